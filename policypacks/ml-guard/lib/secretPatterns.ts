/** Environment variable names that announce a credential. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|DSN|CONNECTION_?STRING)/i;

/** Values that are credentials whatever their name (well-known token formats). */
const SECRET_VALUES: [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["a Vault token", /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/],
  ["a Hugging Face token", /\bhf_[A-Za-z0-9]{30,}\b/],
  ["an OpenAI-style API key", /\bsk-[A-Za-z0-9_-]{20,}/],
  ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ["a URL with an embedded password", /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];

/** Placeholders that are not secrets even under a secret-looking name. */
const PLACEHOLDER = /^(|changeme|placeholder|dummy|example|none|null|true|false|\$\(.*\)|\$\{.*\})$/i;

/** Why this literal looks like a credential, or undefined. */
export function secretLiteralReason(name: string, value: string): string | undefined {
  const known = SECRET_VALUES.find(([, pattern]) => pattern.test(value));
  if (known) return `its value looks like ${known[0]}`;
  if (SECRET_NAME.test(name) && !PLACEHOLDER.test(value.trim()) && !/^(true|false|\d+)$/i.test(value.trim())) {
    return `its name says it holds a credential and it is set to a literal value`;
  }
  return undefined;
}

/** Command-line flags that pass a credential inline (`--password=...`, `--token xyz`). */
export const SECRET_FLAG = /^--?(password|passwd|token|secret|api-?key|access-?key)(=.+)?$/i;
