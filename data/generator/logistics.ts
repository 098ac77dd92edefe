/** Carriers and the places parcels pass through on their way (delivery.csv current_location). */
import type { Place } from './places.js';
import { weightedTable, type WeightedTable } from './random.js';
import type { Country, ShippingProvider } from './schema.js';

/** Where parcels leave from (Label Created, Picked Up). */
export const WAREHOUSES = [
  'Reno, NV Fulfillment Center',
  'Columbus, OH Fulfillment Center',
  'Allentown, PA Fulfillment Center',
  'Dallas, TX Fulfillment Center',
];

/** Carrier hubs inside the US (In Transit, Exception). */
export const US_HUBS = [
  'Memphis, TN Distribution Center',
  'Louisville, KY Worldport Hub',
  'Chicago, IL Sort Facility',
  'Indianapolis, IN Regional Hub',
  'Ontario, CA Distribution Center',
  'Atlanta, GA Distribution Center',
  'Secaucus, NJ Sort Facility',
  'Denver, CO Regional Hub',
  'Salt Lake City, UT Network Distribution Center',
  'Jacksonville, FL Sort Facility',
];

/** The border crossing of an international parcel, by destination country. */
export const GATEWAYS: Record<Exclude<Country, 'United States'>, readonly string[]> = {
  'United Kingdom': [
    'East Midlands, United Kingdom Gateway',
    'London Heathrow, United Kingdom Gateway',
  ],
  Canada: ['Mississauga, ON Gateway', 'Richmond, BC Gateway'],
  Germany: ['Leipzig, Germany Hub', 'Frankfurt am Main, Germany Gateway'],
  India: ['Mumbai, India Gateway', 'New Delhi, India Gateway'],
  Australia: ['Sydney, NSW Gateway', 'Melbourne, VIC Gateway'],
  Ireland: ['Dublin, Ireland Gateway'],
  Spain: ['Madrid, Spain Gateway', 'Vitoria-Gasteiz, Spain Hub'],
  Nigeria: ['Lagos, Nigeria Gateway'],
};

const DOMESTIC_PROVIDERS = weightedTable<ShippingProvider>([
  ['UPS', 35],
  ['FedEx', 30],
  ['USPS', 25],
  ['DHL', 10],
]);

const INTERNATIONAL_PROVIDERS = weightedTable<ShippingProvider>([
  ['DHL', 55],
  ['FedEx', 25],
  ['UPS', 20],
]);

export function providersFor(country: Country): WeightedTable<ShippingProvider> {
  return country === 'United States' ? DOMESTIC_PROVIDERS : INTERNATIONAL_PROVIDERS;
}

/** Hubs a parcel to this place may be seen at while in transit. */
export function hubsFor(place: Place): readonly string[] {
  return place.country === 'United States' ? US_HUBS : GATEWAYS[place.country];
}

export const localFacility = (place: Place): string => `${place.label} Local Facility`;
export const deliveryStation = (place: Place): string => `${place.label} Delivery Station`;
