/**
 * Regions, countries, cities and given names for the synthetic demo personas. The region names
 * match the paper's target groups (East Asia, North America, Europe, ...). Names are common given
 * names of each language, chosen so the demo reads plausibly; no persona describes a real person.
 */

export interface Country {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** As it reads inside a sentence ("the United States"). */
  name: string;
  cities: readonly string[];
  names: NameGroup;
}

export interface Region {
  name: string;
  /** Share of the demo pool. Illustrative: tilted towards North America and Europe, as LLM persona sets tend to be. */
  weight: number;
  countries: readonly Country[];
}

interface NameGroup {
  women: readonly string[];
  men: readonly string[];
}

const KO: NameGroup = { women: ['Mina', 'Jiyoung', 'Seoyeon', 'Hana', 'Eunji', 'Sora'], men: ['Minjun', 'Jihoon', 'Seojun', 'Dongwoo', 'Hyunwoo', 'Taeyang'] };
const JA: NameGroup = { women: ['Yui', 'Haruka', 'Aoi', 'Misaki', 'Sakura', 'Natsuki'], men: ['Haruto', 'Ren', 'Daiki', 'Kenta', 'Sota', 'Takumi'] };
const ZH: NameGroup = { women: ['Xiaoyu', 'Mei', 'Yiting', 'Jing', 'Wenwen', 'Lina'], men: ['Wei', 'Hao', 'Jun', 'Zhiwei', 'Yuchen', 'Lei'] };
const EN: NameGroup = { women: ['Emily', 'Hannah', 'Olivia', 'Megan', 'Grace', 'Chloe', 'Sarah'], men: ['Jacob', 'Tyler', 'Ethan', 'Liam', 'Noah', 'Daniel', 'Ryan'] };
const DE: NameGroup = { women: ['Lena', 'Anna', 'Katrin', 'Sophie', 'Miriam'], men: ['Jonas', 'Lukas', 'Felix', 'Tobias', 'Matthias'] };
const FR: NameGroup = { women: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès'], men: ['Julien', 'Théo', 'Antoine', 'Hugo', 'Mathieu'] };
const ES: NameGroup = { women: ['Lucía', 'María', 'Carmen', 'Valentina', 'Sofía', 'Camila'], men: ['Javier', 'Diego', 'Alejandro', 'Mateo', 'Andrés', 'Santiago'] };
const PT: NameGroup = { women: ['Ana', 'Beatriz', 'Juliana', 'Larissa', 'Fernanda'], men: ['João', 'Pedro', 'Rafael', 'Lucas', 'Thiago'] };
const IT: NameGroup = { women: ['Giulia', 'Francesca', 'Chiara', 'Martina'], men: ['Marco', 'Luca', 'Davide', 'Matteo'] };
const PL: NameGroup = { women: ['Zofia', 'Agnieszka', 'Kasia', 'Magda'], men: ['Piotr', 'Tomasz', 'Kuba', 'Marcin'] };
const SV: NameGroup = { women: ['Elin', 'Maja', 'Ingrid', 'Sara'], men: ['Erik', 'Oskar', 'Johan', 'Viktor'] };
const HI: NameGroup = { women: ['Priya', 'Ananya', 'Kavya', 'Neha', 'Divya', 'Pooja'], men: ['Arjun', 'Rohan', 'Vikram', 'Aditya', 'Karan', 'Rahul'] };
const UR: NameGroup = { women: ['Ayesha', 'Fatima', 'Sana', 'Hira', 'Mahnoor'], men: ['Ali', 'Usman', 'Bilal', 'Hamza', 'Faisal'] };
const BN: NameGroup = { women: ['Nusrat', 'Farhana', 'Tania', 'Rumana'], men: ['Rafiq', 'Tanvir', 'Arif', 'Sabbir'] };
const SI: NameGroup = { women: ['Nimali', 'Dilani', 'Tharushi', 'Kavindi'], men: ['Kasun', 'Nuwan', 'Chamara', 'Dinesh'] };
const NE: NameGroup = { women: ['Sabina', 'Anjali', 'Srijana', 'Pratima'], men: ['Suman', 'Bikash', 'Prakash', 'Rajesh'] };

export const REGIONS: readonly Region[] = [
  {
    name: 'East Asia',
    weight: 0.18,
    countries: [
      { code: 'KR', name: 'South Korea', cities: ['Seoul', 'Busan', 'Incheon', 'Daegu'], names: KO },
      { code: 'JP', name: 'Japan', cities: ['Tokyo', 'Osaka', 'Sapporo', 'Fukuoka'], names: JA },
      { code: 'CN', name: 'China', cities: ['Shanghai', 'Chengdu', 'Beijing', 'Guangzhou', 'Wuhan'], names: ZH },
      { code: 'TW', name: 'Taiwan', cities: ['Taipei', 'Taichung', 'Kaohsiung'], names: ZH },
    ],
  },
  {
    name: 'North America',
    weight: 0.3,
    countries: [
      { code: 'US', name: 'the United States', cities: ['Chicago', 'Austin', 'Denver', 'Atlanta', 'Seattle', 'Columbus', 'Phoenix'], names: EN },
      { code: 'CA', name: 'Canada', cities: ['Toronto', 'Calgary', 'Halifax', 'Vancouver', 'Winnipeg'], names: EN },
    ],
  },
  {
    name: 'Europe',
    weight: 0.25,
    countries: [
      { code: 'DE', name: 'Germany', cities: ['Leipzig', 'Hamburg', 'Munich', 'Cologne'], names: DE },
      { code: 'FR', name: 'France', cities: ['Lyon', 'Lille', 'Nantes', 'Marseille'], names: FR },
      { code: 'GB', name: 'the United Kingdom', cities: ['Manchester', 'Bristol', 'Leeds', 'Glasgow'], names: EN },
      { code: 'ES', name: 'Spain', cities: ['Valencia', 'Seville', 'Bilbao', 'Madrid'], names: ES },
      { code: 'IT', name: 'Italy', cities: ['Turin', 'Bologna', 'Naples'], names: IT },
      { code: 'PL', name: 'Poland', cities: ['Kraków', 'Wrocław', 'Gdańsk'], names: PL },
      { code: 'SE', name: 'Sweden', cities: ['Gothenburg', 'Uppsala', 'Malmö'], names: SV },
    ],
  },
  {
    name: 'South Asia',
    weight: 0.12,
    countries: [
      { code: 'IN', name: 'India', cities: ['Pune', 'Chennai', 'Jaipur', 'Kolkata', 'Bengaluru', 'Lucknow'], names: HI },
      { code: 'PK', name: 'Pakistan', cities: ['Lahore', 'Karachi', 'Islamabad'], names: UR },
      { code: 'BD', name: 'Bangladesh', cities: ['Dhaka', 'Chattogram', 'Khulna'], names: BN },
      { code: 'LK', name: 'Sri Lanka', cities: ['Colombo', 'Kandy', 'Galle'], names: SI },
      { code: 'NP', name: 'Nepal', cities: ['Kathmandu', 'Pokhara'], names: NE },
    ],
  },
  {
    name: 'Latin America',
    weight: 0.15,
    countries: [
      { code: 'BR', name: 'Brazil', cities: ['São Paulo', 'Recife', 'Curitiba', 'Belo Horizonte'], names: PT },
      { code: 'MX', name: 'Mexico', cities: ['Guadalajara', 'Monterrey', 'Puebla', 'Mexico City'], names: ES },
      { code: 'AR', name: 'Argentina', cities: ['Córdoba', 'Rosario', 'Buenos Aires'], names: ES },
      { code: 'CO', name: 'Colombia', cities: ['Medellín', 'Bogotá', 'Cali'], names: ES },
      { code: 'CL', name: 'Chile', cities: ['Santiago', 'Valparaíso', 'Concepción'], names: ES },
      { code: 'PE', name: 'Peru', cities: ['Lima', 'Arequipa'], names: ES },
    ],
  },
];
