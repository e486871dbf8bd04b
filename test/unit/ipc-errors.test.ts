// Errors from console-core reach the renderer typed in the desktop app too: the IPC forwarder
// carries an ApiError as data, because Electron's invoke keeps only an Error's message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, apiErrorOf, policyFailuresOf } from '../../src/console-core/api-error.ts';
import { buildForwarder, createDispatcher } from '../../src/console-core/ipc-forwarder.ts';

describe('console-core over IPC: errors', () => {
  const service = {
    me: {
      changePassword: async () => {
        throw new ApiError(422, 'password_policy', 'weak', { failures: ['uppercase', 'digit'] });
      },
      crash: async () => {
        throw new TypeError('a bug, not an API answer');
      },
    },
  };
  const d = createDispatcher(service);
  // What Electron does to a handler's result (structured clone) and to a thrown Error (message only).
  const api = buildForwarder<{ me: { changePassword(): Promise<void>; crash(): Promise<void> } }>(d.shape(), {
    call: async (c) => {
      try {
        return structuredClone(await d.call(structuredClone(c)));
      } catch (e) {
        throw new Error(`Error invoking remote method: ${(e as Error).message}`);
      }
    },
    subscribe: () => () => undefined,
  });

  it('ACC-3: a refused password keeps its code and reasons across the boundary', async () => {
    const err = await api.me.changePassword().catch((e: unknown) => e);
    const data = apiErrorOf(err);
    assert.equal(data?.code, 'password_policy');
    assert.equal(data?.status, 422);
    assert.deepEqual(policyFailuresOf(data!), ['uppercase', 'digit']);
  });

  it('other failures still reject as errors', async () => {
    const err = await api.me.crash().catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(apiErrorOf(err), null);
  });
});
