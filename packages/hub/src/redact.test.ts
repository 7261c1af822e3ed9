import { describe, expect, test } from 'vitest';
import { LxmlsHubError } from './errors.js';
import { redactText, redactUrl } from './redact.js';

describe('redactUrl and redactText', () => {
  test.each([
    ['https://ana:s3cret@example.com/x', 'https://***@example.com/x'],
    ['https://token@example.com/x', 'https://***@example.com/x'],
    ['https://example.com/x?access_token=abc&rev=main', 'https://example.com/x?access_token=***&rev=main'],
    [
      'https://cdn.example/x?X-Amz-Signature=f00&X-Amz-Credential=k',
      'https://cdn.example/x?X-Amz-Signature=***&X-Amz-Credential=***',
    ],
    ['https://example.com/x?q=1', 'https://example.com/x?q=1'],
  ])('redactUrl(%j) is %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  test('redactText hides URLs with credentials, tokens and control characters', () => {
    expect(redactText('see http://a:b@h/x and hf_0123456789abc, Bearer xyz.1\u0007\u001b[2J')).toBe(
      'see http://***@h/x and hf_***, Bearer ***\\x07\\x1b[2J',
    );
  });

  test('new LxmlsHubError redacts every part of its message', () => {
    const error = new LxmlsHubError('DOWNLOAD_FAILED', 'could not fetch http://u:pw@h/f', {
      fn: 'fetchFile',
      expected: 'a response from http://u:pw@h/f',
      received: 'bytes \u001b[31mred',
      url: 'http://u:pw@h/f',
    });
    expect(error.message).toBe(
      '[@lxmls/hub] fetchFile: could not fetch http://***@h/f. Expected a response from http://***@h/f, received bytes \\x1b[31mred.',
    );
    expect(error.url).toBe('http://***@h/f');
  });
});
