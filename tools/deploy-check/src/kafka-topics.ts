import { existsSync, readFileSync } from 'node:fs';
import { DEPLOY_PATHS } from './repo-paths';

/** Topic name → partition count. */
export type TopicPartitions = Record<string, number>;

/**
 * The topics declared in libs/bus/src/kafka-topics.ts (`name: 'dh.<x>.v<n>'` followed by its
 * `defaultPartitions`). Read as text so this tool neither loads kafkajs nor depends on how the
 * bus exports them. Throws when the file is missing or declares nothing: the deployment
 * manifests must follow the bus.
 */
export function declaredTopics(): TopicPartitions {
  if (!existsSync(DEPLOY_PATHS.kafkaTopicsSource)) {
    throw new Error(
      `${DEPLOY_PATHS.kafkaTopicsSource} is missing: nothing to compare the topics with`,
    );
  }
  const source = readFileSync(DEPLOY_PATHS.kafkaTopicsSource, 'utf8');
  const pattern = /name: ['"](dh\.[a-z0-9_-]+\.v\d+)['"][^}]*?defaultPartitions: ([\d_]+)/g;
  const topics = Object.fromEntries(
    [...source.matchAll(pattern)].map((m) => [m[1], Number(m[2].replace(/_/g, ''))]),
  );
  if (Object.keys(topics).length === 0) throw new Error('no topic found in kafka-topics.ts');
  return topics;
}

/** The topics `kafka-init` creates in docker-compose.yml (`--topic X --partitions N`). */
export function composeTopics(command: string): TopicPartitions {
  return Object.fromEntries(
    [...command.matchAll(/--topic (\S+) --partitions (\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
}
