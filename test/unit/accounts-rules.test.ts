// Pure rules of accounts: password policy, answers, expiry, permission constraints, CLI arguments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passwordPolicyFailures, Username, DisplayName } from '../../src/protocol/text.ts';
import { ExpiryDate, Permissions, defaultRepPermissions } from '../../src/protocol/users.ts';
import { passwordExpired, securityPatch } from '../../src/broker/services/accounts.ts';
import { normaliseAnswer, verifySecret } from '../../src/broker/services/secrets.ts';
import { httpStatusOf } from '../../src/broker/errors.ts';
import { errorCodes } from '../../src/protocol/errors.ts';
import { parseBrokerArgs } from '../../src/cli/broker-command.ts';

describe('password policy (ACC-3)', () => {
  it('ACC-3: needs 8 characters, upper, lower, digit and special, and says which are missing', () => {
    assert.deepEqual(passwordPolicyFailures('Aa1!aaaa'), []);
    assert.deepEqual(passwordPolicyFailures('Éé1!éééé'), [], 'accented letters count as letters');
    assert.deepEqual(passwordPolicyFailures('short'), ['min_length', 'uppercase', 'digit', 'special']);
    assert.deepEqual(passwordPolicyFailures('password'), ['uppercase', 'digit', 'special']);
    assert.deepEqual(passwordPolicyFailures('PASSWORD1!'), ['lowercase']);
    assert.deepEqual(passwordPolicyFailures('Password1 '), ['special'], 'a space is not a special character');
    assert.deepEqual(passwordPolicyFailures(''), ['min_length', 'uppercase', 'lowercase', 'digit', 'special']);
  });
});

describe('field rules', () => {
  it('USR-6: usernames are bounded and limited to safe characters', () => {
    assert.ok(Username.safeParse('jean.dupont@corp').success);
    for (const bad of ['', ' lead', 'a b', '<script>', 'x'.repeat(65), '-dash', 'semi;colon']) {
      assert.equal(Username.safeParse(bad).success, false, bad);
    }
  });

  it('ACC-4: display names refuse control characters and blank values, and keep HTML as text', () => {
    assert.equal(DisplayName.parse('  Zoé  '), 'Zoé');
    assert.equal(DisplayName.parse('<b>x</b>'), '<b>x</b>');
    for (const bad of ['', '   ', 'a\u0000b', 'a\nb', 'a\u0085b']) {
      assert.equal(DisplayName.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('USR-6: password expiry is a real calendar date or null', () => {
    assert.ok(ExpiryDate.safeParse('2030-02-28').success);
    assert.ok(ExpiryDate.safeParse(null).success);
    for (const bad of ['2030-13-01', '2030-2-1', 'tomorrow', '2030-02-30x']) assert.equal(ExpiryDate.safeParse(bad).success, false, bad);
  });

  it('USR-14: the permission set is closed: an unknown permission is refused', () => {
    assert.ok(Permissions.safeParse(defaultRepPermissions).success);
    assert.equal(Permissions.safeParse({ ...defaultRepPermissions, root: true }).success, false);
  });

  it('USR-6: a password expires the day after its expiry date (UTC)', () => {
    const u = { passwordExpiresOn: '2030-06-15' } as Parameters<typeof passwordExpired>[0];
    assert.equal(passwordExpired(u, new Date('2030-06-15T23:59:00Z')), false);
    assert.equal(passwordExpired(u, new Date('2030-06-16T00:00:01Z')), true);
    assert.equal(passwordExpired({ ...u, passwordExpiresOn: null }, new Date('2099-01-01')), false);
  });
});

describe('security question (ACC-5, LOG-3)', () => {
  it('ACC-5: answers compare without case, accents forms or extra spaces', () => {
    assert.equal(normaliseAnswer('  Jules   FERRY '), 'jules ferry');
    assert.equal(normaliseAnswer('Ｌｙｏｎ'), 'lyon');
  });

  it('ACC-5: question and answer go together; clearing the question clears the answer', async () => {
    assert.deepEqual(await securityPatch(undefined, undefined, undefined), {});
    assert.deepEqual(await securityPatch(undefined, null, undefined), { securityQuestion: null, securityAnswerHash: null });
    await assert.rejects(securityPatch(undefined, 'Pet?', undefined), /needs an answer/);
    await assert.rejects(securityPatch(undefined, undefined, 'Rex'), /needs a question/);
    const p = await securityPatch(undefined, ' Pet? ', ' REX ');
    assert.equal(p.securityQuestion, 'Pet?');
    assert.ok(await verifySecret(p.securityAnswerHash!, 'rex'));
  });
});

describe('errors and CLI', () => {
  it('LOG-1: every error code maps to a 4xx or 5xx status', () => {
    for (const code of errorCodes) {
      const s = httpStatusOf(code);
      assert.ok(s >= 400 && s < 600, code);
    }
  });

  it('LOG-1: broker arguments have safe defaults and refuse nonsense', () => {
    const d = parseBrokerArgs([]);
    assert.equal(d.host, '127.0.0.1');
    assert.equal(d.port, 8443);
    assert.match(d.dataDir, /\/data$/);
    assert.throws(() => parseBrokerArgs(['--port', '70000']), /port/);
    assert.throws(() => parseBrokerArgs(['--cert', 'a.pem']), /together/);
    assert.throws(() => parseBrokerArgs(['--bogus']), /Unknown option/);
  });
});
