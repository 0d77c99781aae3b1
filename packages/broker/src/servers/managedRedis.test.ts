import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../engines/redisAcl.js';
import { redisAclFile, redisConfig } from './managedRedis.js';

describe('redisAclFile', () => {
  it('disables default, sets the admin password hash and keeps the saved binding users', () => {
    const saved = [
      'user default on nopass ~* &* +@all',
      'user klutch_admin on #0000 ~* &* +@all',
      'user klutch_abc_b123 on #1111 ~inst:* &inst:* -@all +@read',
      '',
    ].join('\n');
    const lines = redisAclFile(saved, 'admin-password').trim().split('\n');
    assert.deepEqual(lines, [
      'user default off resetpass resetkeys resetchannels -@all',
      `user klutch_admin on #${sha256('admin-password')} ~* &* +@all`,
      'user klutch_abc_b123 on #1111 ~inst:* &inst:* -@all +@read',
    ]);
  });

  it('starts a fresh server with default disabled', () => {
    assert.match(redisAclFile('', 'pw'), /^user default off /);
  });
});

describe('redisConfig', () => {
  const config = redisConfig({ port: 7000, serverDir: 'servers/redis' });

  it('listens on loopback only, persists under the server directory and reads the ACL file', () => {
    for (const line of [
      'port 7000',
      'bind 127.0.0.1',
      'dir servers/redis/data',
      'aclfile servers/redis/users.acl',
      'appendonly yes',
      'enable-debug-command no',
      'enable-module-command no',
      'sanitize-dump-payload yes',
    ]) {
      assert.ok(config.split('\n').includes(line), line);
    }
  });

  it('names its configuration file in the process title, where a left-over server is recognised', () => {
    assert.match(config, /proc-title-template ".*\{config-file\}"/);
  });
});
