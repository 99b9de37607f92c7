import jwt from 'jsonwebtoken';
import { AuthError, AuthErrorCode } from './auth.error';
import { TokenService } from './token.service';

const settings = { expirySeconds: 60, issuer: 'infergate' };
const principal = { userId: 4, email: 'ds@example.com', roles: ['HOPS_USER' as const] };

function expectInvalid(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe(AuthErrorCode.INVALID_TOKEN);
    return;
  }
  throw new Error('token was accepted');
}

describe('TokenService', () => {
  const tokens = new TokenService('s3cret-s3cret-s3cret', settings);

  it('round-trips a principal', () => {
    expect(tokens.verify(tokens.issue(principal))).toEqual(principal);
  });

  it('refuses a token signed with another secret', () => {
    expectInvalid(() => new TokenService('other-secret-other', settings).verify(tokens.issue(principal)));
  });

  it('refuses an expired token', () => {
    const expired = jwt.sign({ sub: '4', email: 'x', roles: [] }, 's3cret-s3cret-s3cret', {
      algorithm: 'HS256',
      issuer: 'infergate',
      audience: 'api',
      expiresIn: -60,
    });
    expectInvalid(() => tokens.verify(expired));
  });

  it("refuses alg 'none'", () => {
    const unsigned = jwt.sign({ sub: '4', email: 'x', roles: [], iss: 'infergate', aud: 'api' }, '', {
      algorithm: 'none',
    });
    expectInvalid(() => tokens.verify(unsigned));
  });

  it('refuses another issuer or audience, and garbage', () => {
    const sign = (opts: jwt.SignOptions) =>
      jwt.sign({ sub: '4', email: 'x', roles: [] }, 's3cret-s3cret-s3cret', { algorithm: 'HS256', ...opts });
    expectInvalid(() => tokens.verify(sign({ issuer: 'evil', audience: 'api' })));
    expectInvalid(() => tokens.verify(sign({ issuer: 'infergate', audience: 'elsewhere' })));
    expectInvalid(() => tokens.verify('not.a.jwt'));
  });

  it('accepts the serving audience, as Hopsworks does on inference', () => {
    const token = jwt.sign({ sub: '4', email: 'x', roles: ['HOPS_USER'] }, 's3cret-s3cret-s3cret', {
      algorithm: 'HS256',
      issuer: 'infergate',
      audience: 'serving',
    });
    expect(tokens.verify(token).userId).toBe(4);
  });
});

describe('TokenService verification cache', () => {
  it('stops accepting a cached token once it expires', () => {
    jest.useFakeTimers({ now: Date.now() });
    try {
      const tokens = new TokenService('s3cret-s3cret-s3cret', { expirySeconds: 2, issuer: 'infergate' });
      const token = tokens.issue({ userId: 1, email: 'a@example.com', roles: ['HOPS_USER'] });
      expect(tokens.verify(token).userId).toBe(1);
      expect(tokens.verify(token).userId).toBe(1); // served from the cache
      jest.setSystemTime(Date.now() + 8_000); // past exp + the 5 s clock tolerance
      expect(() => tokens.verify(token)).toThrow(AuthError);
    } finally {
      jest.useRealTimers();
    }
  });
});
