import { Global, Module } from '@nestjs/common';
import { CLOCK, CommandRunner, type Clock } from './command-runner.js';

@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: (() => new Date()) satisfies Clock }, CommandRunner],
  exports: [CommandRunner, CLOCK],
})
export class CommandsModule {}
