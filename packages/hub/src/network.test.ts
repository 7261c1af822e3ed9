import { describe, expect, test } from 'vitest';
import { addressKind, redirectProblem } from './network.js';

describe('addressKind', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['localhost', 'loopback'],
    ['api.localhost', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['[::ffff:169.254.169.254]', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1', 'public'],
    ['huggingface.co', 'public'],
  ])('addressKind(%j) is %j', (host, kind) => {
    expect(addressKind(host)).toBe(kind);
  });
});

describe('redirectProblem', () => {
  const hf = 'https://huggingface.co/gpt2/resolve/main/model.safetensors';
  const local = 'http://127.0.0.1:8080/m/config.json';
  test.each([
    [hf, '/openai-community/gpt2/resolve/main/model.safetensors', {}, null],
    [hf, 'https://cdn-lfs.huggingface.co/repos/x', {}, null],
    [hf, 'https://cas-bridge.xethub.hf.co/xet/x', {}, null],
    [hf, 'http://cdn-lfs.huggingface.co/repos/x', {}, 'it leaves https for http'],
    [
      hf,
      'https://evil.example/x',
      {},
      'it leads to another host (evil.example), which is not in allowRedirectHosts',
    ],
    [hf, 'https://evil.example/x', { allowRedirectHosts: ['evil.example'] }, null],
    [hf, 'https://10.0.0.1/x', { allowRedirectHosts: ['*'] }, 'it leads to a private address (10.0.0.1)'],
    [hf, 'https://10.0.0.1/x', { allowRedirectHosts: ['*'], allowPrivateNetwork: true }, null],
    [hf, 'file:///etc/passwd', {}, 'it leads to a file: URL'],
    [hf, 'https://u:p@huggingface.co/x', {}, 'it carries credentials in the URL'],
    [local, '/m/other.json', {}, null],
    [local, 'http://127.0.0.2/x', { allowRedirectHosts: ['127.0.0.2'] }, null],
    [
      local,
      'http://169.254.169.254/x',
      { allowRedirectHosts: ['*'] },
      'it leads to a link-local address (169.254.169.254)',
    ],
    [
      local,
      'http://192.168.0.1/x',
      { allowRedirectHosts: ['*'] },
      'it leads to a private address (192.168.0.1)',
    ],
    [
      'http://mirror.example/a',
      'http://localhost/a',
      { allowRedirectHosts: ['*'] },
      'it leads to a loopback address (localhost)',
    ],
  ])('redirectProblem(%s → %s, %j) is %j', (start, to, policy, expected) => {
    const from = new URL(start);
    expect(redirectProblem(from, from, new URL(to, from), policy)).toBe(expected);
  });

  test('redirectProblem checks the addresses a host name resolves to', () => {
    const start = new URL('https://mirror.example/a');
    const to = new URL('https://files.mirror.example/a');
    expect(
      redirectProblem(start, start, to, { allowRedirectHosts: ['.mirror.example'] }, ['169.254.169.254']),
    ).toBe('it leads to a link-local address (169.254.169.254) through files.mirror.example');
  });
});
