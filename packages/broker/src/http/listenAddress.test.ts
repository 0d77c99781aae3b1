import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseListenAddress, urlFor } from './listenAddress.js';

describe('parseListenAddress', () => {
  it('parses IPv4, IPv6 and wildcard addresses', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:8443'), { host: '::1', port: 8443 });
    assert.deepEqual(parseListenAddress(':3000'), { host: '0.0.0.0', port: 3000 });
    assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
  });

  it('explains malformed addresses', () => {
    assert.throws(() => parseListenAddress('8080'), /must look like 127\.0\.0\.1:8080/);
    assert.throws(() => parseListenAddress('h:99999'), /must look like/);
  });
});

describe('urlFor', () => {
  it('brackets IPv6 and maps wildcards to loopback', () => {
    assert.equal(urlFor('http', '0.0.0.0', 1), 'http://127.0.0.1:1');
    assert.equal(urlFor('https', '::', 2), 'https://[::1]:2');
    assert.equal(urlFor('http', '127.0.0.1', 3), 'http://127.0.0.1:3');
  });
});
