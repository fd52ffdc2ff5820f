#!/usr/bin/env node
// The `leds` command. TypeScript runs through tsx's loader, so there is no build step between a change and a run.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
