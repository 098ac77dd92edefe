/**
 * The product catalog's vocabulary: categories, their brands (all fictional), item templates with
 * price ranges, and the words product names and descriptions are built from. Names and
 * descriptions deliberately contain commas and double quotes (`15" Laptop Sleeve, Grey`).
 */

export interface ItemTemplate {
  /** The item as it is usually called, e.g. `Bluetooth Speaker`. */
  readonly base: string;
  /** Price range in whole dollars. */
  readonly minPrice: number;
  readonly maxPrice: number;
  /** One sentence about the item, used to start its description. */
  readonly about: string;
  /** Sizes or editions shown in parentheses, e.g. `(Large)`. */
  readonly variants?: readonly string[];
}

export interface Category {
  readonly name: string;
  readonly weight: number;
  readonly brands: readonly string[];
  /** Warranty lengths in months products of this category get. */
  readonly warranties: readonly number[];
  /** Probability a product of this category cannot be returned. */
  readonly nonReturnable: number;
  /** Whether names may end with a colour (`, Midnight Blue`). */
  readonly colours: boolean;
  readonly items: readonly ItemTemplate[];
}

const item = (
  base: string,
  minPrice: number,
  maxPrice: number,
  about: string,
  variants?: readonly string[],
): ItemTemplate =>
  variants ? { base, minPrice, maxPrice, about, variants } : { base, minPrice, maxPrice, about };

export const CATEGORIES: readonly Category[] = [
  {
    name: 'Electronics',
    weight: 18,
    brands: ['Sonora', 'Voltix', 'Kestrel', 'Lumen', 'Nimbus Audio', 'Halcyon'],
    warranties: [12, 24, 36],
    nonReturnable: 0.05,
    colours: true,
    items: [
      item(
        'Wireless Earbuds',
        39,
        249,
        'True wireless earbuds with a pocket-sized charging case, up to 24 hours of playback.',
      ),
      item(
        'Bluetooth Speaker',
        29,
        299,
        'Portable speaker, IP67 waterproof, pairs two units for stereo sound.',
      ),
      item(
        'Noise-Cancelling Headphones',
        99,
        399,
        'Over-ear headphones with adaptive noise cancellation and a 30-hour battery.',
      ),
      item(
        'Smart Fitness Watch',
        79,
        349,
        'Tracks heart rate, sleep and 40+ workouts; "always-on" display.',
      ),
      item(
        '4K Streaming Stick',
        29,
        69,
        'Plug into any HDMI port, stream in 4K HDR with Dolby Vision.',
      ),
      item(
        'Portable Power Bank 20000mAh',
        25,
        79,
        'Charges a phone up to 5 times, with USB-C PD 45W fast charging.',
      ),
      item('Action Camera', 149, 449, 'Shoots 4K at 60 fps, waterproof to 10 m without a case.'),
      item('E-Reader', 99, 249, 'Glare-free 7" display, adjustable warm light, weeks of battery.'),
      item(
        'Smart Home Hub',
        49,
        149,
        'Connects Zigbee, Thread and Wi-Fi devices, no subscription needed.',
      ),
      item(
        'Wi-Fi 6 Mesh Router',
        129,
        399,
        'Covers up to 5,000 sq ft, sets up in minutes from the app.',
        ['2-Pack', '3-Pack'],
      ),
      item(
        '55" 4K Smart TV',
        349,
        899,
        'Bright 4K HDR panel with built-in streaming apps and voice remote.',
      ),
      item(
        'Soundbar with Subwoofer',
        149,
        599,
        'Dolby Atmos soundbar, wireless subwoofer, HDMI eARC.',
      ),
      item('Dash Cam', 59, 199, 'Records front and rear in 1440p, with "parking mode" and GPS.'),
      item(
        'Digital Photo Frame',
        69,
        179,
        '10.1" touchscreen frame, share photos from the app, 32 GB storage.',
      ),
    ],
  },
  {
    name: 'Computers & Accessories',
    weight: 14,
    brands: ['Kestrel', 'Tern & Co.', 'Bytewise', 'Ironleaf', 'Quill Labs'],
    warranties: [6, 12, 24],
    nonReturnable: 0.04,
    colours: true,
    items: [
      item(
        '15" Laptop Sleeve',
        19,
        49,
        'Padded sleeve for 15" laptops, with a zip pocket for chargers.',
      ),
      item('13" Laptop Hard Shell Case', 19, 39, 'Snap-on case, matte finish, ventilated base.'),
      item('27" 4K Monitor', 249, 599, 'IPS panel, 99% sRGB, USB-C with 65W power delivery.'),
      item(
        'Mechanical Keyboard',
        59,
        199,
        'Hot-swappable switches, PBT keycaps, "tenkeyless" layout.',
        ['Brown Switches', 'Red Switches', 'Blue Switches'],
      ),
      item('Wireless Mouse', 19, 99, 'Silent clicks, 70-day battery, works on glass.'),
      item(
        'USB-C Hub, 7-in-1',
        29,
        79,
        'HDMI 4K, 2x USB-A, SD and microSD, 100W pass-through charging.',
      ),
      item('Portable SSD', 79, 249, 'Up to 1,050 MB/s, drop-resistant, USB-C.', [
        '1TB',
        '2TB',
        '4TB',
      ]),
      item(
        '1080p Webcam',
        39,
        129,
        'Full HD with auto-focus, dual microphones and a privacy shutter.',
      ),
      item(
        'Aluminum Laptop Stand',
        29,
        69,
        'Raises the screen to eye level, folds flat for travel.',
      ),
      item(
        'Gaming Headset',
        49,
        199,
        'Surround sound, detachable boom mic, memory-foam ear cushions.',
      ),
      item('Graphics Tablet', 59, 349, 'Battery-free pen with 8,192 pressure levels.', [
        'Small',
        'Medium',
        'Large',
      ]),
    ],
  },
  {
    name: 'Home & Kitchen',
    weight: 16,
    brands: ['Maple Row', 'Oakhaven', 'Brightline', 'Willow Lane', 'Corvo'],
    warranties: [12, 24],
    nonReturnable: 0.06,
    colours: true,
    items: [
      item(
        'Espresso Machine',
        199,
        799,
        '15-bar pump, steam wand for milk foam, removable water tank.',
      ),
      item('Air Fryer', 69, 179, 'Crisps with little or no oil, dishwasher-safe basket.', [
        '4 qt',
        '5.8 qt',
        '8 qt Dual Basket',
      ]),
      item('Cast Iron Skillet, 12"', 29, 69, 'Pre-seasoned, oven safe, works on induction.'),
      item('8" Chef\'s Knife', 39, 179, 'German steel blade, full tang, balanced handle.'),
      item(
        'Stand Mixer',
        199,
        499,
        '10 speeds, 5 qt stainless bowl, dough hook, whisk and beater included.',
      ),
      item('Electric Kettle', 29, 99, 'Boils 1.7 L in minutes, keep-warm setting, auto shut-off.'),
      item('High-Speed Blender', 79, 399, 'Crushes ice and frozen fruit, self-cleaning program.'),
      item('Non-Stick Cookware Set, 10-Piece', 99, 299, 'PFOA-free coating, tempered glass lids.'),
      item('Robot Vacuum', 179, 699, 'Maps your home, empties itself, schedules from the app.'),
      item('Cotton Bath Towel Set', 29, 89, 'Soft, absorbent 600 GSM cotton.', [
        '4-Piece',
        '6-Piece',
        '8-Piece',
      ]),
      item('Memory Foam Pillow', 29, 89, 'Contoured support, removable washable cover.', [
        'Standard',
        'Queen',
        'King',
      ]),
      item(
        'Ceramic Dinnerware Set, 16-Piece',
        59,
        159,
        'Service for four, microwave and dishwasher safe.',
      ),
    ],
  },
  {
    name: 'Sports & Outdoors',
    weight: 10,
    brands: ['Everpeak', 'Pinecrest', 'Riverstone', 'Zephyr Outdoor'],
    warranties: [0, 3, 6, 12],
    nonReturnable: 0.05,
    colours: true,
    items: [
      item('Yoga Mat', 19, 89, 'Non-slip surface, 6 mm cushioning, carrying strap included.'),
      item(
        'Insulated Water Bottle, 32 oz',
        19,
        49,
        'Keeps drinks cold 24 hours or hot 12, leak-proof lid.',
      ),
      item('Camping Tent, 4-Person', 99, 349, 'Sets up in 10 minutes, rain fly, "bathtub" floor.'),
      item('Trail Running Shoes', 79, 169, 'Grippy outsole, rock plate, breathable mesh.', [
        'US 8',
        'US 9',
        'US 10',
        'US 11',
      ]),
      item(
        'Adjustable Dumbbells, Pair',
        149,
        429,
        'From 5 to 52.5 lb each with a turn of the dial.',
      ),
      item('Hiking Backpack 40L', 69, 199, 'Ventilated back panel, rain cover, hydration sleeve.'),
      item('Bike Helmet', 39, 149, 'MIPS protection, rear LED light, adjustable fit.', [
        'S/M',
        'M/L',
      ]),
      item('Resistance Bands Set', 15, 39, 'Five levels, door anchor, handles and ankle straps.'),
    ],
  },
  {
    name: 'Clothing',
    weight: 10,
    brands: ['Fjordly', 'Juniper & Co.', 'Tern & Co.', 'Solace'],
    warranties: [0],
    nonReturnable: 0.08,
    colours: true,
    items: [
      item(
        'Merino Wool Sweater',
        59,
        149,
        'Fine-knit merino, warm yet breathable, machine washable.',
        ['S', 'M', 'L', 'XL'],
      ),
      item('Waterproof Rain Jacket', 79, 229, 'Taped seams, packable hood, pit zips.', [
        'S',
        'M',
        'L',
        'XL',
      ]),
      item('Slim Fit Chinos', 39, 89, 'Stretch cotton twill, 32" inseam.', [
        '30W',
        '32W',
        '34W',
        '36W',
      ]),
      item('Organic Cotton T-Shirt', 15, 39, 'Soft jersey, pre-shrunk, relaxed fit.', [
        'S',
        'M',
        'L',
        'XL',
      ]),
      item('Down Puffer Vest', 69, 179, '650-fill down, packs into its own pocket.', [
        'S',
        'M',
        'L',
      ]),
      item('Wool Hiking Socks, 3-Pack', 19, 39, 'Cushioned merino blend, no-slip cuff.'),
      item('"Everyday" Tote Bag', 25, 69, 'Heavy canvas tote with an inner zip pocket.'),
      item('Leather Belt', 29, 79, 'Full-grain leather, brushed nickel buckle.', [
        '32',
        '34',
        '36',
        '38',
      ]),
    ],
  },
  {
    name: 'Beauty & Personal Care',
    weight: 8,
    brands: ['Glimmer', 'Solace', 'Aurelia'],
    warranties: [0, 6, 12],
    nonReturnable: 0.4,
    colours: false,
    items: [
      item('Sonic Electric Toothbrush', 29, 149, 'Two-minute timer, pressure sensor, travel case.'),
      item('Ionic Hair Dryer', 39, 249, 'Fast drying with less frizz, three heat settings.'),
      item(
        'Vitamin C Serum',
        15,
        59,
        'Brightening serum with 15% vitamin C and hyaluronic acid, 1 fl oz.',
      ),
      item('Cordless Beard Trimmer', 29, 99, '20 length settings, waterproof, USB charging.'),
      item(
        'Mineral Sunscreen SPF 50',
        12,
        34,
        'Broad spectrum, reef-friendly, "no white cast" formula.',
        ['3 fl oz', '6 fl oz'],
      ),
    ],
  },
  {
    name: 'Toys & Games',
    weight: 7,
    brands: ['Kite & Key', 'Playfield', 'Umbra Games'],
    warranties: [0, 3],
    nonReturnable: 0.05,
    colours: false,
    items: [
      item(
        'Building Blocks Set, 500 Pieces',
        29,
        79,
        'Compatible with major brands, storage tub included.',
      ),
      item('Strategy Board Game', 25, 59, 'For 2-5 players, ages 10+, about 60 minutes a game.'),
      item('Remote Control Car', 29, 119, 'All-terrain, 20 mph, two rechargeable batteries.'),
      item('1000-Piece Jigsaw Puzzle', 15, 29, 'Thick, glare-free pieces, poster included.'),
      item('Plush Bear', 12, 39, 'Super-soft, machine washable, for ages 0+.', [
        '12"',
        '18"',
        '24"',
      ]),
    ],
  },
  {
    name: 'Books',
    weight: 5,
    brands: ['Harbor Lane Press', 'Quill & Ink', 'Northlight Books'],
    warranties: [0],
    nonReturnable: 0.1,
    colours: false,
    items: [
      item(
        '"Weeknight Dinners" Cookbook',
        19,
        35,
        '120 recipes ready in 30 minutes or less, hardcover.',
      ),
      item(
        'The Quiet Harbor (Hardcover)',
        18,
        32,
        'A novel about a lighthouse keeper, a storm, and a secret.',
      ),
      item(
        'Field Guide to North American Birds',
        15,
        29,
        'Over 800 species, range maps, flexible cover.',
      ),
      item('"Start Small" Habit Journal', 12, 24, 'Undated, 12 weeks of prompts and trackers.'),
      item(
        "Beginner's Guide to Watercolor",
        15,
        29,
        'Step-by-step lessons, spiral-bound so it lies flat.',
      ),
    ],
  },
  {
    name: 'Office Products',
    weight: 6,
    brands: ['Quill Labs', 'Ironleaf', 'Vantage Office'],
    warranties: [12, 24, 36],
    nonReturnable: 0.04,
    colours: true,
    items: [
      item(
        'Ergonomic Office Chair',
        149,
        549,
        'Adjustable lumbar support, 4D armrests, breathable mesh.',
      ),
      item('Standing Desk Converter', 99, 299, 'Gas-spring lift, fits two monitors, 35" wide.'),
      item('Gel Pen Set, 24 Colors', 9, 24, 'Smooth 0.7 mm tips, quick-drying ink.'),
      item('Label Printer', 39, 149, 'Prints shipping labels from any computer, no ink needed.'),
      item(
        'LED Desk Lamp with Wireless Charger',
        29,
        89,
        'Five color modes, USB port, "eye-care" flicker-free light.',
      ),
    ],
  },
  {
    name: 'Pet Supplies',
    weight: 4,
    brands: ['Pawfield', 'Willow Lane'],
    warranties: [0, 6],
    nonReturnable: 0.1,
    colours: true,
    items: [
      item('Orthopedic Dog Bed', 39, 149, 'Memory foam base, washable cover, non-slip bottom.', [
        'Medium',
        'Large',
        'XL',
      ]),
      item('Automatic Cat Feeder', 49, 129, 'Schedules up to 6 meals a day, voice recording.'),
      item('Retractable Dog Leash, 16 ft', 15, 39, 'One-button brake and lock, reflective tape.'),
    ],
  },
  {
    name: 'Garden & Outdoor',
    weight: 4,
    brands: ['Pinecrest', 'Greenhollow'],
    warranties: [12, 24],
    nonReturnable: 0.05,
    colours: false,
    items: [
      item('Cordless Leaf Blower', 79, 229, '40V battery, 450 CFM, charger included.'),
      item('Raised Garden Bed, 8 x 4 ft', 59, 189, 'Galvanized steel, no tools needed, 12" deep.'),
      item('Solar Path Lights, 8-Pack', 19, 59, 'Auto on at dusk, up to 10 hours of light.'),
    ],
  },
];

/** Model names prefixed to an item (`Aero Bluetooth Speaker`). */
export const MODEL_NAMES = [
  'Aero',
  'Pulse',
  'Nova',
  'Echo',
  'Summit',
  'Terra',
  'Orbit',
  'Vista',
  'Atlas',
  'Flux',
  'Luma',
  'Drift',
  'Haven',
  'Crest',
  'Arc',
  'Zen',
  'Ember',
  'Solstice',
  'Tidal',
  'Prism',
];

/** Editions appended after the item (`Wireless Mouse Pro`). */
export const EDITIONS = [
  'Pro',
  'Lite',
  'Max',
  'Plus',
  'Mini',
  'SE',
  '2nd Gen',
  'XL',
  'Elite',
  'Go',
];

export const COLOURS = [
  'Grey',
  'Black',
  'White',
  'Midnight Blue',
  'Sage Green',
  'Charcoal',
  'Sand',
  'Navy',
  'Forest Green',
  'Rose Gold',
  'Slate',
  'Coral',
  'Stone',
  'Olive',
  'Burgundy',
];

/** Sentences appended to descriptions. */
export const DESCRIPTION_EXTRAS = [
  'Ships in plastic-free, recyclable packaging.',
  'Color may vary slightly from photos.',
  'Voted "Best Value" by our customers in 2025.',
  'Includes a quick-start guide, in English, Spanish and French.',
  'Backed by our "no hassle" support team.',
  'Assembly required, tools included.',
  'Gift-wrapping available at checkout.',
  'Designed in Portland, made to last.',
  'Now with a longer cable, 6 ft.',
];

/** Why customers send things back (free text, as typed). */
export const RETURN_REASONS = [
  'Arrived damaged, box was "crushed"',
  'Wrong size',
  'Changed my mind',
  'Item not as described',
  'Stopped working after two weeks',
  'Received the wrong color, ordered "Midnight Blue"',
  'Better price elsewhere',
  'Missing parts, box had been opened',
  'Too small, does not fit',
  'Defective: will not turn on',
  'Ordered by mistake',
  'Arrived late, no longer needed',
  'Quality not as expected',
  'Duplicate order',
  'Does not work with my setup, see "compatibility" note',
  'Smells of chemicals, "new product" odor will not go away',
  'Gift, recipient already had one',
];
