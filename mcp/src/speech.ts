// Text that a voice agent reads out: whole words for dates and money, currency always stated.

const dateFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2026-11-21" → "Saturday, November 21, 2026". */
export function spokenDate(isoDate: string): string {
  const date = new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate);
  return Number.isNaN(date.getTime()) ? isoDate : dateFormat.format(date);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** 199.99, "USD" → "199.99 US dollars". */
export function spokenAmount(amount: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        currencyDisplay: 'name',
      });
    } catch {
      return `${amount.toFixed(2)} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  return format.format(amount);
}

/** The given name, for a friendly greeting without reading out a full name. */
export function firstName(name: string): string {
  const trimmed = name.trim();
  return trimmed.split(/[\s,]+/)[0] ?? trimmed;
}
