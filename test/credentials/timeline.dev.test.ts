import { credentialTimelineSuite } from "./timelineSuite";

// One stack per file: the SDK's mock runtime is global to the process.
credentialTimelineSuite("dev", 4, 4);
