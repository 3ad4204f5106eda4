import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { AuthenticationMiddleware } from './authentication.middleware.js';
import { AuthorizationGuard } from './authorization.guard.js';
import { SigningAuthenticator } from './signing-authentication.js';
import { createTokenVerifier, TOKEN_VERIFIER } from './token-verifier.js';

/** Authentication (bearer JWT → actor) for every route, and the global deny-by-default authorization guard. */
@Global()
@Module({})
export class AuthModule implements NestModule {
  static forRoot(config: AppConfig) {
    return {
      module: AuthModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: TOKEN_VERIFIER, useFactory: () => createTokenVerifier(config) },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
        AuthenticationMiddleware,
        SigningAuthenticator,
      ],
      exports: [TOKEN_VERIFIER, APP_CONFIG, SigningAuthenticator],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware).forRoutes('{*path}');
  }
}
