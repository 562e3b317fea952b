/**
 * `pulumi-qwilt-api-keys/sdk`: the Qwilt api-keys HTTP client, its types and errors, and the
 * permission names and limits of the API, and the settings table. Importing this loads neither undici nor zod:
 * zod loads when a client is made, undici with its first request.
 */
export { QwiltClient, type WaitUntilActiveOptions, type WaitUntilActiveResult } from "./client/qwilt-client";
export type { ApiKeyInfo, CreatedApiKey, CreateKeyInput, QwiltClientOptions, QwiltCredentials } from "./client/types";
export {
  QwiltError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  ResponseValidationError,
  ConfigurationError,
  PLAIN_HINTS,
  type QwiltErrorInit,
  type QwiltErrorCode,
  type HintKind,
  type HintWords,
} from "./client/errors";
export {
  PERMISSIONS,
  PERMISSION_NAMES,
  toApiPermission,
  fromApiPermission,
  DEFAULT_USERS_URL,
  DEFAULT_LOGIN_URL,
  MIN_TTL_DAYS,
  MAX_TTL_DAYS,
  MAX_NAME_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  type Permission,
  type ApiPermission,
} from "./qwilt-api";
export {
  SETTINGS,
  SETTING_NAMES,
  resolveSettings,
  SettingsError,
  sourceName,
  allowedValues,
  type SettingName,
  type SettingSpec,
  type Settings,
  type SettingSource,
  type ResolvedSettings,
  type SettingsInput,
} from "./settings";
