/** A configuration for tests: only the given environment, never the developer's own files. */
import { loadConfig, type Config } from '../../src/config.js';

export function testConfig(home: string, environment: Record<string, string> = {}): Config {
  return loadConfig({ environment: { PERSONA_HOME: home, ...environment }, configFile: false });
}
