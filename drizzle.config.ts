import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Each module owns its tables file; storage owns the job leases.
  schema: ['./src/modules/*/*.tables.ts', './src/storage/*.tables.ts'],
  out: './drizzle',
});
