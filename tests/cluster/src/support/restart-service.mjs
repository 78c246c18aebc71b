// SIGKILLs and restarts one of the run's own services from a jest worker (the launchers are ESM
// with no types for the suites):
//   node restart-service.mjs kill redis <dataDir>         # prints the killed pid
//   node restart-service.mjs start redis <dataDir> <port>
//   node restart-service.mjs kill postgres <dataDir>
//   node restart-service.mjs start postgres <dataDir>
//   node restart-service.mjs kill kafka <dataDir>
//   node restart-service.mjs start kafka <dataDir>
import { basename } from 'node:path';
import { kafkaPid, restartKafka } from '../../../../tools/infra/kafka.mjs';
import { isAlive } from '../../../../tools/infra/pids.mjs';
import { postgresPid, restartPostgres } from '../../../../tools/infra/postgres.mjs';
import { redisPid, restartRedis } from '../../../../tools/infra/redis.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

async function waitGone(pid) {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function kill(service, dataDir) {
  const pids = { redis: redisPid, postgres: postgresPid, kafka: kafkaPid };
  if (!pids[service]) throw new Error(`unknown service ${service}`);
  const pid = pids[service](dataDir);
  if (!pid || !isAlive(pid)) throw new Error(`no running ${service} in ${dataDir}`);
  // The postmaster leads its process group: the whole group dies at once, like a lost host.
  process.kill(service === 'postgres' ? -pid : pid, 'SIGKILL');
  await waitGone(pid);
  return pid;
}

async function main([action, service, dataDir, port]) {
  if (action === 'kill') {
    console.log(await kill(service, dataDir));
  } else if (action === 'start' && service === 'redis') {
    console.log((await restartRedis({ port: Number(port), dataDir, log })).pid);
  } else if (action === 'start' && service === 'postgres') {
    console.log((await restartPostgres({ dataDir, log })).pid);
  } else if (action === 'start' && service === 'kafka') {
    console.log((await restartKafka({ dataDir, log })).pid);
  } else {
    throw new Error(`usage: restart-service.mjs kill|start redis|postgres|kafka <dataDir> [port]`);
  }
}

if (process.argv[1] && basename(process.argv[1]) === 'restart-service.mjs') {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
