declare module '@ministryofjustice/frontend/moj/filters/all.js' {
  /** MoJ Frontend's Nunjucks filters (mojDate is needed by its timeline component). */
  export default function filters(): Record<string, (...args: unknown[]) => unknown>;
}
