// The domain's one error type. Its `code` is part of the API; it maps once to an HTTP status
// (here) and once to protocol error messages (the gateways).
import type { ErrorCode } from '../protocol/errors.ts';

export class PasserelleError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PasserelleError';
  }
}

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  body_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_locked: 423,
  account_disabled: 403,
  password_change_required: 403,
  totp_required: 401,
  totp_invalid: 401,
  totp_enrollment_required: 403,
  password_expired: 403,
  password_policy: 422,
  wrong_password: 403,
  reset_unavailable: 404,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  own_account: 409,
  licence_limit_reached: 403,
  rate_limited: 429,
  invalid_session_key: 404,
  protocol_version: 426,
  out_of_order: 409,
  replayed: 409,
  permission_not_granted: 403,
  session_not_found: 404,
  session_state: 409,
  resume_expired: 410,
  tool_unavailable: 409,
  web_chat_only: 409,
  invalid_image: 422,
  contrast_too_low: 422,
  presentation_not_found: 404,
  recording_not_found: 404,
  recording_unreadable: 422,
  invalid_deployment_key: 403,
  jump_client_offline: 409,
  email_failed: 502,
  internal: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return statusByCode[code];
}
