/**
 * Which base URLs the client will send credentials to: absolute http(s) only, and plain http only to
 * a loopback host (the simulator), so a typo cannot send a key or password over the network in clear.
 */
import { ConfigurationError } from "./errors";

/** Validates a base URL option and returns it without trailing slashes. */
export function checkBaseUrl(value: string, optionName: "usersUrl" | "loginUrl"): string {
  const option = { option: optionName };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${optionName} must be an absolute http(s) URL, like https://example.com`, option);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`${optionName} must be an absolute http(s) URL (got a ${url.protocol} URL)`, option);
  }
  if (url.username || url.password) {
    // Not echoed: the value itself holds a credential.
    throw new ConfigurationError(
      `${optionName} must not contain a username or password; use the credentials option`,
      option,
    );
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`${optionName} must be a base URL without query string or fragment`, option);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      `${optionName}: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got ${url.origin}`,
      option,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1") return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}
