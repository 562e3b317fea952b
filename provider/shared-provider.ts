import { QwiltApiKeyProvider } from "./qwilt-provider";

let shared: QwiltApiKeyProvider | undefined;

/** The one provider of this process, shared by every ApiKey (so one login and one connection pool serve them all). */
export function sharedProvider(): QwiltApiKeyProvider {
  return (shared ??= new QwiltApiKeyProvider());
}
