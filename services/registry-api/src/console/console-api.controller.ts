import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig, Public } from '#runtime';
import { ROLES } from '../auth/actor.js';
import { issueLocalToken } from '../auth/local-signing-key.js';
import { ApiError } from '../graphql/error-mapping.js';

const ids = z.array(z.string().trim().min(1).max(200)).max(100).default([]);

const DevTokenRequest = z.object({
  role: z.enum(ROLES),
  sub: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only')
    .optional(),
  // The printed name an electronic signature shows (21 CFR 11.50; the `name` claim an identity provider sets).
  name: z.string().trim().min(1).max(200).optional(),
  trials: ids,
  programmes: ids,
  sites: ids,
});

/** Development tokens from the console live as long as `npm run token`'s default. */
const DEV_TOKEN_TTL = '8h';

/**
 * What the console needs from the API besides GraphQL: how to sign in. In AUTH_MODE=local the console's role and
 * scope picker gets a development token here, signed with the same local key as `npm run token`; in oidc mode
 * this route does not exist (404), so a deployment with an identity provider mints no tokens of its own.
 */
@Controller('console-api')
export class ConsoleApiController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get('config')
  consoleConfig() {
    const oidc =
      this.config.authMode === 'oidc' && this.config.OIDC_ISSUER && this.config.CONSOLE_OIDC_CLIENT_ID
        ? { issuer: this.config.OIDC_ISSUER, clientId: this.config.CONSOLE_OIDC_CLIENT_ID, scope: this.config.CONSOLE_OIDC_SCOPE }
        : null;
    return { authMode: this.config.authMode, roles: ROLES, oidc };
  }

  @Public()
  @Post('dev-token')
  @HttpCode(200)
  async devToken(@Req() req: Request, @Body() body: unknown) {
    if (this.config.authMode !== 'local') throw new NotFoundException('Development tokens exist only in AUTH_MODE=local');
    // Only a JSON body: a cross-site HTML form cannot send one without a CORS preflight, which this API does not grant.
    if (!req.is('application/json')) throw new UnsupportedMediaTypeException('Send the request as application/json');
    const parsed = DevTokenRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError('BAD_USER_INPUT', issue.message, issue.path.join('.') || 'body');
    }
    const { role, sub, name, trials, programmes, sites } = parsed.data;
    // auth_time is now: asking again is local mode's "log in again" before signing (a fresh authentication, §11.200).
    const token = await issueLocalToken(
      this.config,
      { sub: sub ?? `dev-${role}`, role, trials, programmes, sites, ...(name ? { name } : {}) },
      { expiresIn: DEV_TOKEN_TTL },
    );
    return { token, expiresIn: DEV_TOKEN_TTL };
  }
}
