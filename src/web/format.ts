const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** A date as GOV.UK style writes it: 17 December 2001. */
export const formatDate = (value: string | null | undefined): string =>
  value ? dateFormat.format(new Date(value)) : '';
export const formatDateTime = (value: string | null | undefined): string =>
  value ? dateTimeFormat.format(new Date(value)) : '';
