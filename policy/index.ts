/**
 * `pulumi-qwilt-api-keys/policy`: CrossGuard policies for ApiKey resources, for a policy pack of
 * one's own and for the pack the package ships (policy-pack/). They use `@pulumi/policy` only for
 * its types, so this module loads without it; the pack that serves them needs it.
 */
export {
  apiKeyPolicies,
  API_KEY_POLICY_NAMES,
  DEFAULT_ALLOWED_PERMISSIONS,
  DEFAULT_MAX_VALID_FOR_DAYS,
  DEFAULT_MIN_ROTATE_BEFORE_DAYS,
} from "./policies";
export { API_KEY_TYPE } from "./key-inputs";
export { PolicyConfigError } from "./policy-config";
