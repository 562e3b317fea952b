/**
 * Removes secrets from any text this client builds (error messages, API messages echoed back).
 * Two layers: the exact secrets this client knows (its API key, password, Basic header, login
 * tokens, every key it created) and patterns for secrets it does not know (JWTs, bearer tokens,
 * API-key headers, `apiToken` fields) — an error body may echo someone else's token.
 */

export const REDACTED = "[REDACTED]";

/** Shorter secrets are not replaced literally: a 3-letter "secret" would shred ordinary words. */
const MIN_LITERAL_SECRET_LENGTH = 4;

// Keys and tokens are JWTs: a header starting `eyJ` (base64url of `{"`), or any three long base64url segments.
const JWT_LIKE =
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g;
// `Bearer xxx`, `Basic xxx`, `X-API-KEY xxx`, `X-API-KEY: xxx`, `"x-api-key":"xxx"`.
// A value needs 6+ characters, so prose such as "basic plan" survives; real credentials are longer.
const SCHEME_VALUE = /\b(Bearer|Basic|X-API-KEY)(["']?\s*[:=]?\s*["']?)(?!\[REDACTED\])[^\s"',;}]{6,}/gi;
// `"apiToken":"xxx"`, `apiToken: 'xxx'`, `password=xxx`, `cqloudLoginToken=xxx` and friends; not the
// prose `apiToken: expected string` of our own validation messages (a `:` value must be quoted).
const SECRET_FIELD =
  /\b(apiToken|apiKey|api_key|password|passwd|token|loginToken|cqloudLoginToken|accessToken|access_token)(["']?\s*(?:=\s*["']?|:\s*["']))(?!\[REDACTED\])[^\s"',;}&]+/gi;

/**
 * How an answer may echo a secret it was sent: URL-encoded (a query string), escaped inside a JSON string (an
 * error body), or as HTML entities (an error page). A password may hold any of the characters these change.
 */
const ECHOED_FORMS: readonly ((s: string) => string)[] = [
  encodeURIComponent,
  (s) => JSON.stringify(s).slice(1, -1),
  (s) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"),
  (s) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#x27;"),
];

export class Redactor {
  readonly #secrets = new Set<string>();

  /** Remember a secret so it is removed from every later message (empty and tiny values are ignored). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_LITERAL_SECRET_LENGTH) {
      this.#secrets.add(secret);
      for (const encode of ECHOED_FORMS) this.#secrets.add(encode(secret));
    }
  }

  redact(text: string): string {
    return redactPatterns(this.redactKnown(text));
  }

  /**
   * Only the secrets this redactor was given, not the patterns: for text that is not a message but output
   * (a table of key names, where "basic-reader" is a name and not a Basic header).
   */
  redactKnown(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Never show the known secrets, even when someone inspects the redactor itself. */
  toJSON(): string {
    return "Redactor";
  }
}

/** Pattern-only redaction, for text that no client instance is around to clean. */
export function redactPatterns(text: string): string {
  return text
    .replace(JWT_LIKE, REDACTED)
    .replace(SCHEME_VALUE, (_m, scheme: string, sep: string) => `${scheme}${sep}${REDACTED}`)
    .replace(SECRET_FIELD, (_m, field: string, sep: string) => `${field}${sep}${REDACTED}`);
}
