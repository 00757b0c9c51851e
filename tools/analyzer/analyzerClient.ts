import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as rpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as pb from "@pulumi/pulumi/proto/analyzer_pb";

/** The Analyzer service's calls as promises; one client per pack process. */
export class AnalyzerClient {
  private readonly client: rpc.AnalyzerClient;

  constructor(address: string) {
    this.client = new rpc.AnalyzerClient(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
  }

  /** Wraps one callback-style call in a promise. */
  private static promise<Res>(invoke: (callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
  }

  configureStack = (request: pb.AnalyzerStackConfigureRequest) =>
    AnalyzerClient.promise<pb.AnalyzerStackConfigureResponse>((callback) => this.client.configureStack(request, callback));
  getAnalyzerInfo = () => AnalyzerClient.promise<pb.AnalyzerInfo>((callback) => this.client.getAnalyzerInfo(new Empty(), callback));
  configure = (request: pb.ConfigureAnalyzerRequest) => AnalyzerClient.promise<Empty>((callback) => this.client.configure(request, callback));
  remediate = (request: pb.AnalyzeRequest) => AnalyzerClient.promise<pb.RemediateResponse>((callback) => this.client.remediate(request, callback));
  analyze = (request: pb.AnalyzeRequest) => AnalyzerClient.promise<pb.AnalyzeResponse>((callback) => this.client.analyze(request, callback));
  analyzeStack = (request: pb.AnalyzeStackRequest) => AnalyzerClient.promise<pb.AnalyzeResponse>((callback) => this.client.analyzeStack(request, callback));

  close(): void {
    this.client.close();
  }
}
