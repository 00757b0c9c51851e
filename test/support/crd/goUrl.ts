/**
 * Go's net/url parsing, as far as Kubernetes' CEL URL library and the `uri` checks use it.
 *
 * FACT: Kubernetes' CEL `url()` and `isURL()` accept a string when url.ParseRequestURI does (an
 * absolute URI or an absolute path) and read the components from url.Parse (fragment cut off
 * first). kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/library/urls.go (6732d913).
 * FACT: the parsing rules below (control characters, scheme syntax, opaque URIs, authority,
 * numeric port, host characters, %-escapes) follow golang/go src/net/url/url.go (01182998).
 */
export interface GoUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawQuery: string;
}

export class GoUrlError extends Error {}

const isAlpha = (c: string) => /^[a-zA-Z]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

type Mode = "path" | "host" | "userPassword" | "query";

/** Go's shouldEscape for the modes parsing needs. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (/^[a-zA-Z0-9]$/.test(c)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) {
    if (mode === "path") return c === "?";
    if (mode === "userPassword") return "@/?:".includes(c);
    return true;
  }
  return true;
}

/** Go's unescape: checks %-escapes (hosts may only escape non-ASCII bytes, or %25) and host characters. */
function unescape(text: string, mode: Mode): string {
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "%") {
      if (!isHex(text[i + 1]) || !isHex(text[i + 2])) throw new GoUrlError(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      if (mode === "host" && parseInt(text[i + 1], 16) < 8 && text.slice(i, i + 3) !== "%25") throw new GoUrlError(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      i += 3;
    } else {
      if (mode === "host" && c.charCodeAt(0) < 0x80 && shouldEscape(c, "host")) throw new GoUrlError(`invalid character ${JSON.stringify(c)} in host name`);
      i += 1;
    }
  }
  const chars = [...text];
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "%") {
      bytes.push(parseInt(chars[i + 1] + chars[i + 2], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(chars[i] === "+" && mode === "query" ? " " : chars[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (isAlpha(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new GoUrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

const validOptionalPort = (port: string) => port === "" || /^:[0-9]*$/.test(port);

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new GoUrlError("missing ']' in host");
    if (!validOptionalPort(host.slice(close + 1))) throw new GoUrlError(`invalid port ${JSON.stringify(host.slice(close + 1))} after host`);
  } else if (host.lastIndexOf(":") !== -1 && !validOptionalPort(host.slice(host.lastIndexOf(":")))) {
    throw new GoUrlError(`invalid port ${JSON.stringify(host.slice(host.lastIndexOf(":")))} after host`);
  }
  return unescape(host, "host");
}

const VALID_USERINFO = /^[a-zA-Z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf("@");
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!VALID_USERINFO.test(userinfo)) throw new GoUrlError("net/url: invalid userinfo");
    userinfo.split(":").forEach((part) => unescape(part, "userPassword"));
  }
  return host;
}

function parse(raw: string, viaRequest: boolean): GoUrl {
  // Go refuses ASCII control bytes and DEL.
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoUrlError("net/url: invalid control character in URL");
  if (raw === "" && viaRequest) throw new GoUrlError("empty url");
  const url: GoUrl = { scheme: "", opaque: "", host: "", path: "", rawQuery: "" };
  if (raw === "*") return { ...url, path: "*" };
  const [scheme, afterScheme] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  let rest = afterScheme;
  if (rest.endsWith("?") && rest.split("?").length === 2) rest = rest.slice(0, -1);
  else if (rest.includes("?")) [rest, url.rawQuery] = [rest.slice(0, rest.indexOf("?")), rest.slice(rest.indexOf("?") + 1)];
  if (!rest.startsWith("/")) {
    if (url.scheme !== "") return { ...url, opaque: rest };
    if (viaRequest) throw new GoUrlError("invalid URI for request");
    if (rest.split("/")[0].includes(":")) throw new GoUrlError("first path segment in URL cannot contain colon");
  }
  if ((url.scheme !== "" || (!viaRequest && !rest.startsWith("///"))) && rest.startsWith("//")) {
    const authority = rest.slice(2);
    const slash = authority.indexOf("/");
    url.host = parseAuthority(slash < 0 ? authority : authority.slice(0, slash));
    rest = slash < 0 ? "" : authority.slice(slash);
  }
  url.path = unescape(rest, "path");
  return url;
}

/** url.ParseRequestURI: what `isURL` accepts and `url()` requires. */
export function parseRequestUri(raw: string): GoUrl {
  return parse(raw, true);
}

/** url.Parse: the components `url(...).getX()` return (the fragment is cut off first). */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf("#");
  return parse(hash < 0 ? raw : raw.slice(0, hash), false);
}

/** Go's splitHostPort: host without brackets, and the port when it is numeric. */
export function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let host = hostPort;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon !== -1 && validOptionalPort(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { hostname: host, port };
}

/** EscapedPath for a path parsed from a valid URL: every byte Go would escape in a path, %-encoded. */
export function escapedPath(url: GoUrl): string {
  if (url.path === "*") return "*";
  return [...Buffer.from(url.path, "utf8")].map((byte) => {
    const c = String.fromCharCode(byte);
    return byte < 0x80 && !shouldEscape(c, "path") ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/** url.Values of the query: repeated keys keep every value; malformed pairs are dropped as Go drops them. */
export function queryValues(url: GoUrl): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of url.rawQuery.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    try {
      const key = unescape(eq < 0 ? pair : pair.slice(0, eq), "query");
      const value = unescape(eq < 0 ? "" : pair.slice(eq + 1), "query");
      values.set(key, [...(values.get(key) ?? []), value]);
    } catch {
      continue;
    }
  }
  return values;
}
