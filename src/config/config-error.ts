/** A configuration LEDS cannot start with; its message names the setting and what it must be. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
