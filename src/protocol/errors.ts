// Stable error codes shared by every client: HTTP bodies are `{ error: { code, message } }`
// and WebSocket error messages carry the same codes.
import { z } from 'zod';

export const errorCodes = [
  'bad_request',
  'validation_failed',
  'body_too_large',
  'unauthenticated',
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'password_change_required',
  'totp_required',
  'totp_invalid',
  'totp_enrollment_required',
  'password_expired',
  'password_policy',
  'wrong_password',
  'reset_unavailable',
  'csrf_failed',
  'forbidden',
  'not_found',
  'conflict',
  'own_account',
  'licence_limit_reached',
  'rate_limited',
  'invalid_session_key',
  'protocol_version',
  'out_of_order',
  'replayed',
  'permission_not_granted',
  'session_not_found',
  'session_state',
  'resume_expired',
  'tool_unavailable',
  'web_chat_only',
  'invalid_image',
  'contrast_too_low',
  'presentation_not_found',
  'invalid_deployment_key',
  'jump_client_offline',
  'email_failed',
  'recording_not_found',
  'recording_unreadable',
  'internal',
] as const;

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
