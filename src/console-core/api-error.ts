// The one error the console sees from the broker: HTTP status plus the API's stable error code.
// It must survive Electron IPC (which keeps only plain data), so `apiErrorOf` also recognises
// the plain-object form and `toJSON` produces it.
import type { ErrorCode } from '../protocol/errors.ts';

/** Client-side codes for failures that never reached the broker's error mapping. */
export type ClientErrorCode = 'network_error' | 'bad_response';

export interface ApiErrorData {
  name: 'ApiError';
  status: number;
  code: ErrorCode | ClientErrorCode | (string & {});
  message: string;
  details?: unknown;
}

export class ApiError extends Error implements ApiErrorData {
  override readonly name = 'ApiError' as const;

  constructor(
    readonly status: number,
    readonly code: ApiErrorData['code'],
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toJSON(): ApiErrorData {
    return { name: this.name, status: this.status, code: this.code, message: this.message, details: this.details };
  }

  /** Password-policy reasons (`min_length`, `uppercase` …) when the broker refused a password. */
  get policyFailures(): string[] {
    return policyFailuresOf(this);
  }
}

export function policyFailuresOf(e: Pick<ApiErrorData, 'code' | 'details'>): string[] {
  if (e.code !== 'password_policy') return [];
  const failures = (e.details as { failures?: unknown } | undefined)?.failures;
  return Array.isArray(failures) ? failures.filter((f): f is string => typeof f === 'string') : [];
}

/** The ApiError behind `e`, whether it is a live instance or its plain form after IPC. */
export function apiErrorOf(e: unknown): ApiErrorData | null {
  if (e instanceof ApiError) return e.toJSON();
  if (typeof e === 'object' && e !== null) {
    const o = e as Partial<ApiErrorData>;
    if (typeof o.code === 'string' && typeof o.status === 'number' && typeof o.message === 'string') {
      return { name: 'ApiError', status: o.status, code: o.code, message: o.message, details: o.details };
    }
  }
  return null;
}
