import { Module } from '@nestjs/common';
import { ConsoleApiController } from './console-api.controller.js';
import { ConsoleController } from './console.controller.js';

/** The web console's static files at /console and its sign-in helper routes at /console-api. */
@Module({ controllers: [ConsoleController, ConsoleApiController] })
export class ConsoleModule {}
