import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** What the CommandRunner reports after each command; optional there, so the runner works without metrics. */
export interface CommandObserver {
  /** `result`: accepted | no_change | replayed, or the error's stable code (CONCURRENCY_CONFLICT, INVALID_…). */
  observe(command: string, result: string, seconds: number, eventTypes: readonly string[]): void;
}

export const COMMAND_OBSERVER = Symbol('COMMAND_OBSERVER');

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A command's type for a label: the command's own `type`, bounded so a bad value cannot explode cardinality. */
export function commandLabel(command: unknown): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' && NAME.test(type) ? type : 'unknown';
}

export function resultLabel(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'INTERNAL';
}

@Injectable()
export class CommandMetrics implements CommandObserver {
  private readonly seconds: Histogram<'command' | 'result'>;
  private readonly events: Counter<'command' | 'event_type'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.seconds = new Histogram({
      name: 'registry_command_duration_seconds',
      help: 'Commands by type and outcome (accepted, no_change, replayed or the error code), with their latency',
      labelNames: ['command', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.events = new Counter({
      name: 'registry_command_events_total',
      help: 'Events appended by commands, by command type and event type',
      labelNames: ['command', 'event_type'],
      registers: [registry],
    });
  }

  observe(command: string, result: string, seconds: number, eventTypes: readonly string[]): void {
    this.seconds.observe({ command, result }, seconds);
    if (result !== 'accepted') return;
    for (const type of eventTypes) this.events.inc({ command, event_type: NAME.test(type) ? type : 'unknown' });
  }
}
