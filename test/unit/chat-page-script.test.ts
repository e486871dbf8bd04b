// The customer client's chat window script is a template string in TypeScript: an escape meant for
// the page (\' inside a quoted string) is eaten by the template, and the whole page then stops
// working with no error on the client's side. It must parse as JavaScript.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatPageJs } from '../../src/endpoint/customer/chat-page-assets.ts';

describe('the customer client\'s chat window script', () => {
  it('CON-3: parses as JavaScript', () => {
    assert.doesNotThrow(() => new Function(chatPageJs));
  });
});
