import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, CommandRunner, type Clock } from './command-runner.js';

@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: (() => new Date()) satisfies Clock }, CommandRunner],
  exports: [CommandRunner, CLOCK],
})
export class CommandsModule {
  /** The same module with another clock (tests that need a fixed "now"). */
  static withClock(clock: Clock): DynamicModule {
    return { module: CommandsModule, global: true, providers: [{ provide: CLOCK, useValue: clock }, CommandRunner], exports: [CommandRunner, CLOCK] };
  }
}
