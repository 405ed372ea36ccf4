import { describe, expect, it } from 'vitest';
import { DIGEST_MARKER, DIGEST_PLACEHOLDER, seal, sealBytes, verifyBytes } from '../../../reports/digest.ts';

const placeholder = `${DIGEST_MARKER}${DIGEST_PLACEHOLDER}`;

describe('the report digest', () => {
  it('seals text where the placeholder stands, and verifies it', () => {
    const sealed = seal(`\uFEFFXã Nậm Xé,99.8958\r\nSHA-256,${placeholder}\r\n`);
    expect(sealed.content).toContain(`SHA-256,sha256:${sealed.digest}`);
    expect(sealed.content).not.toContain(DIGEST_PLACEHOLDER);
    expect(verifyBytes(Buffer.from(sealed.content, 'utf8'))).toEqual({ ok: true, digest: sealed.digest });
  });

  it('refuses a copy with one byte changed, and says what it found', () => {
    const sealed = seal(`availability 99.896 %\n${placeholder}\n`);
    const changed = Buffer.from(sealed.content.replace('99.896', '99.996'), 'utf8');
    expect(verifyBytes(changed)).toMatchObject({ ok: false, reason: 'mismatch', digest: sealed.digest });
  });

  it('says so when there is no digest at all', () => {
    expect(verifyBytes(Buffer.from('a,b\r\n'))).toMatchObject({ ok: false, reason: 'no-digest' });
  });

  it('finds its own digest after another one quoted in the content', () => {
    const quoted = `sha256:${'ab'.repeat(32)}`;
    const sealed = seal(`firmware image ${quoted}\n${placeholder}\n`);
    expect(verifyBytes(Buffer.from(sealed.content, 'utf8'))).toEqual({ ok: true, digest: sealed.digest });
  });

  it('seals and verifies binary bytes (a PDF) without touching any other byte', () => {
    const binary = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0x00, 0xff, 0x80, 0xc3]), Buffer.from(`/Title (linkwatch ${placeholder})\n%%EOF`)]);
    const sealed = sealBytes(binary);
    expect(sealed.bytes.length).toBe(binary.length);
    expect(sealed.bytes.subarray(9, 13)).toEqual(Buffer.from([0x00, 0xff, 0x80, 0xc3]));
    expect(verifyBytes(sealed.bytes)).toEqual({ ok: true, digest: sealed.digest });
  });

  it('refuses to seal content without the placeholder', () => {
    expect(() => seal('no digest here')).toThrow(/placeholder/);
  });
});
