import { describe, it, expect } from 'vitest';
import { ConfigError, DEFAULT_GRAPH_VERSION, decodeKey } from '../../src/config.js';
import { loadConfig } from '../../src/main.js';
import { SecretBox } from '../../src/crypto/secrets.js';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const KEY_BYTES = Buffer.from(HEX_KEY, 'hex');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  it('has the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      META_GRAPH_URL: 'https://graph.facebook.com',
      META_GRAPH_VERSION: DEFAULT_GRAPH_VERSION,
      SLACK_API_URL: 'https://slack.com/api/',
      PONTE_LOCALE: 'en',
      PONTE_ADMINS: [],
      PONTE_DATABASE_POOL: 20,
    });
    expect(DEFAULT_GRAPH_VERSION).toMatch(/^v\d+\.\d+$/);
    expect(c.PONTE_SECRET_KEY).toBeUndefined();
    expect(c.META_APP_SECRET).toBeUndefined();
  });

  it('reads explicit values', () => {
    const c = loadConfig({ PORT: '8080', PONTE_LOCALE: 'pt-BR', META_GRAPH_VERSION: 'v22.0', PUBLIC_URL: 'https://ponte.example', PONTE_SECRET_KEY: HEX_KEY, PONTE_DATABASE_POOL: '8' });
    expect(c).toMatchObject({ PORT: 8080, PONTE_LOCALE: 'pt-BR', META_GRAPH_VERSION: 'v22.0', PUBLIC_URL: 'https://ponte.example', PONTE_SECRET_KEY: HEX_KEY, PONTE_DATABASE_POOL: 8 });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['PONTE_LOCALE', 'fr'],
    ['PONTE_LOCALE', 'pt_BR'],
    ['PONTE_ADMINS', 'slack:U1,teams:42'],
    ['PONTE_ADMINS', 'U1'],
    ['PONTE_ADMINS', 'slack:U-1'],
    ['META_GRAPH_VERSION', '21.0'],
    ['META_GRAPH_VERSION', 'v21'],
    ['PONTE_SECRET_KEY', 'too-short'],
    ['PONTE_SECRET_KEY', HEX_KEY.slice(2)],
    ['PONTE_SECRET_KEY', Buffer.alloc(31, 1).toString('base64')],
    ['PONTE_SECRET_KEY', Buffer.alloc(33, 1).toString('base64')],
    ['PUBLIC_URL', 'not a url'],
    ['PONTE_DATABASE_POOL', '1'],
    ['PONTE_DATABASE_POOL', 'ten'],
  ])('%s=%j throws a ConfigError naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(name);
    expect(err.issues.some((i) => i.startsWith(name))).toBe(true);
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'x', PONTE_LOCALE: 'fr' });
    expect(err.message).toContain('PORT');
    expect(err.message).toContain('PONTE_LOCALE');
  });

  it.each([
    ['PUBLIC_URL', 'http://localhost:3000'],
    ['META_GRAPH_URL', 'https://graph.facebook.com'],
    ['SLACK_API_URL', 'https://slack.com/api/'],
    ['DISCORD_API_URL', 'https://discord.com/api'],
    ['DATABASE_URL', undefined],
    ['META_APP_SECRET', undefined],
    ['SLACK_SIGNING_SECRET', undefined],
    ['PONTE_SECRET_KEY', undefined],
    ['PONTE_ADMINS', []],
  ] as const)('an empty %s means unset', (name, expected) => {
    expect(loadConfig({ [name]: '' })[name]).toEqual(expected);
    expect(loadConfig({ [name]: '   ' })[name]).toEqual(expected);
  });

  it('parses PONTE_ADMINS', () => {
    expect(loadConfig({ PONTE_ADMINS: 'slack:U1, discord:123' }).PONTE_ADMINS).toEqual(['slack:U1', 'discord:123']);
    expect(loadConfig({ PONTE_ADMINS: ' slack:U0ABC ,, ' }).PONTE_ADMINS).toEqual(['slack:U0ABC']);
  });
});

describe('decodeKey', () => {
  it.each([
    ['lowercase hex', HEX_KEY],
    ['uppercase hex', HEX_KEY.toUpperCase()],
    ['base64', KEY_BYTES.toString('base64')],
  ])('decodes %s into the 32 key bytes', (_label, value) => {
    expect(decodeKey(value)).toEqual(KEY_BYTES);
  });

  it.each([
    ['62 hex digits', HEX_KEY.slice(2)],
    ['66 hex digits', `${HEX_KEY}00`],
    ['16 bytes of base64', Buffer.alloc(16, 9).toString('base64')],
    ['empty', ''],
  ])('rejects %s', (_label, value) => {
    expect(decodeKey(value)).toBeUndefined();
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(KEY_BYTES);

  it.each(['xoxb-1234-5678-abcdef', '', 'Olá 😀 EAAG…', 'a.b.c.d'])('round-trips %j', (plain) => {
    const sealed = box.seal(plain);
    expect(sealed.startsWith('v1.')).toBe(true);
    if (plain) expect(sealed).not.toContain(plain);
    expect(box.open(sealed)).toBe(plain);
    expect(new SecretBox(Buffer.from(KEY_BYTES)).open(sealed)).toBe(plain);
  });

  it('two seals of the same text differ', () => {
    const a = box.seal('same token');
    const b = box.seal('same token');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe(box.open(b));
  });

  const flip = (part: string) => {
    const bytes = Buffer.from(part, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    return bytes.toString('base64url');
  };
  it.each([
    ['the ciphertext', 3],
    ['the auth tag', 2],
    ['the iv', 1],
  ])('throws when %s is tampered with', (_label, index) => {
    const parts = box.seal('xoxb-secret-token').split('.');
    parts[index] = flip(parts[index]!);
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('throws with another key', () => {
    const sealed = box.seal('xoxb-secret-token');
    expect(() => new SecretBox(Buffer.alloc(32, 0xaa)).open(sealed)).toThrow();
  });

  it.each(['', 'plain-text-token', 'v2.a.b.c', 'v1.onlyiv'])('refuses %j as a sealed value', (value) => {
    expect(() => box.open(value)).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
