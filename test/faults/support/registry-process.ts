import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The real registry (`services/registry-api/src/main.ts`, TypeScript through test/support/ts-loader.mjs, the way
 * `npm start` runs it minus the build) as a child process a fault test can SIGKILL.
 */
export class RegistryProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    const inherited = { ...process.env };
    delete inherited['DATABASE_URL'];
    delete inherited['TEST_DATABASE_URL'];
    this.child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'services/registry-api/src/main.ts'], {
      cwd: ROOT,
      env: { ...inherited, NODE_OPTIONS: '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '1000000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // FAULT_SUITE_LOG_DIR=<dir> keeps every child's whole output, for looking into a slow or failed recovery.
    const logDir = process.env['FAULT_SUITE_LOG_DIR'];
    const keep = (d: Buffer): void => {
      if (logDir) appendFileSync(join(logDir, `registry-${port}-${this.child.pid}.log`), d);
      this.output.push(d.toString());
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((r) => this.child.once('exit', (code, signal) => r({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async health(probe: 'live' | 'ready'): Promise<number> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/health/${probe}`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Resolves once /health/ready answers 200; rejects with the process output if it exits or times out. */
  async ready(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if ((await this.health('ready')) === 200) return;
      await sleep(200);
    }
    throw new Error(`registry on port ${this.port} did not become ready (${exited ? 'it exited' : 'timeout'}):\n${this.output.join('').slice(-4000)}`);
  }

  /**
   * Waits until the embedded projector leads every projection again (its advisory-lock connection came back), none
   * is marked failed, and each has applied every event (its LISTEN connection and catch-up recovered). Returns how
   * long that took.
   */
  async projectorCaughtUp(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    let last = '';
    while (Date.now() - started < timeoutMs) {
      const text = await fetch(`http://127.0.0.1:${this.port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      const series = (name: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`))
          .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
      const [leader, failed, lag] = [series('registry_projector_leader'), series('registry_projector_failed'), series('registry_projector_lag_events')];
      last = JSON.stringify({ leader, failed, lag });
      if (leader.length > 0 && leader.every((v) => v === 1) && failed.every((v) => v === 0) && lag.length > 0 && lag.every((v) => v === 0))
        return Date.now() - started;
      await sleep(250);
    }
    throw new Error(`projector did not catch up within ${timeoutMs} ms: ${last}`);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}
