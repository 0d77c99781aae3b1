import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time, name and child bindings', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'konnector', level: 'info', destination });
    log.child({ controller: 'sync' }).info({ key: 'ns/a' }, 'reconciled');
    const rec = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(rec.level, 'info');
    assert.equal(rec.name, 'konnector');
    assert.equal(rec.controller, 'sync');
    assert.equal(rec.key, 'ns/a');
    assert.equal(rec.msg, 'reconciled');
    assert.match(String(rec.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('never writes secrets under well-known keys', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info(
      {
        token: 'tok-123',
        password: 'pw-456',
        req: { headers: { authorization: 'Bearer abc', cookie: 'session=xyz' } },
        binding: { credentials: { password: 'nested-789' }, kubeconfig: 'apiVersion: v1 ...' },
      },
      'login',
    );
    const text = lines.join('');
    for (const secret of ['tok-123', 'pw-456', 'Bearer abc', 'session=xyz', 'nested-789', 'apiVersion: v1']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.ok(text.includes('[redacted]'));
  });
});
