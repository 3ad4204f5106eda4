import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, SignatureErrors, type SigningAuthenticationMethod } from '#domain';
import { APP_CONFIG, type AppConfig } from '#runtime';
import type { VerifiedActor } from './actor.js';
import { verifyLocalSigningPassword } from './local-signing-password.js';

/** How the signer proved, just now, that they are the person the token names (21 CFR 11.200(a)). */
export interface SigningAuthentication {
  readonly method: SigningAuthenticationMethod;
  readonly authenticatedAt: string;
}

/** Failed signing passwords per actor before signing is refused for a while (§11.300(d): detect attempted misuse). */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

const refused = (field: string, message: string) => new DomainError(SignatureErrors.SIGNING_REAUTHENTICATION_REQUIRED, field, message);

/**
 * The fresh authentication every electronic signature needs (docs/part11.md §11.200):
 * - the token's `auth_time` lies within SIGNING_MAX_AUTH_AGE_SECONDS of now (an identity provider sets it at login;
 *   a client gets a fresh one by sending the user through `prompt=login` or `max_age=<window>`), in both modes;
 * - in local mode (no identity provider to log in again at) the actor's signing password as well.
 * Every refusal is SIGNING_REAUTHENTICATION_REQUIRED; nothing is written. The password is never logged.
 */
@Injectable()
export class SigningAuthenticator {
  private readonly log = new Logger('SigningAuthenticator');
  private readonly failures = new Map<string, number[]>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async authenticate(actor: VerifiedActor, signingPassword: string | null | undefined, now = new Date()): Promise<SigningAuthentication> {
    const windowSeconds = this.config.SIGNING_MAX_AUTH_AGE_SECONDS;
    if (actor.authTime === undefined) {
      throw refused('authentication', 'The token says nothing about when you logged in (no auth_time): log in again (prompt=login) and sign');
    }
    const ageSeconds = now.getTime() / 1000 - actor.authTime;
    if (ageSeconds > windowSeconds || ageSeconds < -this.config.AUTH_CLOCK_SKEW_SECONDS) {
      throw refused('authentication', `Your login is older than ${windowSeconds} s: log in again (prompt=login or max_age=${windowSeconds}) and sign`);
    }
    if (this.config.authMode === 'oidc') return { method: 'oidc_auth_time', authenticatedAt: new Date(actor.authTime * 1000).toISOString() };

    const recent = (this.failures.get(actor.id) ?? []).filter((t) => now.getTime() - t < FAILURE_WINDOW_MS);
    if (recent.length >= MAX_FAILURES) {
      throw refused('signingPassword', 'Too many wrong signing passwords: signing is refused for 15 minutes (reported to the operator)');
    }
    if (typeof signingPassword !== 'string' || signingPassword === '') throw refused('signingPassword', 'Give your signing password to sign');
    if (!(await verifyLocalSigningPassword(this.config.DATA_DIR, actor.id, signingPassword))) {
      this.failures.set(actor.id, [...recent, now.getTime()]);
      // Attempted use of someone's signature (§11.300(d)): the operator's log shows who and how often, never the password.
      this.log.warn({ actorId: actor.id, failures: recent.length + 1 }, 'wrong signing password');
      throw refused('signingPassword', 'Wrong signing password');
    }
    this.failures.delete(actor.id);
    return { method: 'local_signing_password', authenticatedAt: now.toISOString() };
  }
}
