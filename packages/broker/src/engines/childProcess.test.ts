import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { runProcess } from './childProcess.js';

describe('runProcess', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klutch-childprocess-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('feeds a file to stdin, streams stdout and passes the environment', async () => {
    const input = join(dir, 'in.txt');
    await writeFile(input, 'hello');
    let output = '';
    await runProcess(
      { command: 'sh', args: ['-c', 'cat; printf " %s" "$SECRET_VALUE"'], env: { SECRET_VALUE: 'from-env' } },
      {
        stdinFile: input,
        consumeStdout: async (stdout) => {
          output = await text(stdout);
        },
        signal: new AbortController().signal,
      },
    );
    assert.equal(output, 'hello from-env');
  });

  it('reports the exit code and the end of stderr', async () => {
    await assert.rejects(
      runProcess(
        { command: 'sh', args: ['-c', 'echo first >&2; echo "database does not exist" >&2; exit 3'] },
        { signal: new AbortController().signal },
      ),
      /sh exited with code 3: first database does not exist/,
    );
  });

  it('explains a missing program and stops on abort', async () => {
    await assert.rejects(
      runProcess({ command: 'klutch-no-such-tool', args: [] }, { signal: new AbortController().signal }),
      /klutch-no-such-tool was not found on the broker's PATH/,
    );
    const abort = new AbortController();
    const running = runProcess({ command: 'sleep', args: ['30'] }, { signal: abort.signal });
    setTimeout(() => abort.abort(new Error('stop')), 50);
    await assert.rejects(running);
  });
});
