/**
 * Occupations of the synthetic demo personas, with the age range each is plausible for and the
 * workplace and task fragments the narrative templates slot in.
 */

export interface Occupation {
  title: string;
  minAge: number;
  maxAge: number;
  places: readonly string[];
  tasks: readonly string[];
}

export const OCCUPATIONS: readonly Occupation[] = [
  { title: 'nurse', minAge: 21, maxAge: 66, places: ['a district hospital', 'a community clinic'], tasks: ['rotating shifts on a surgical ward', 'medication rounds and patient check-ins'] },
  { title: 'secondary school teacher', minAge: 23, maxAge: 66, places: ['a public secondary school', 'a large comprehensive school'], tasks: ['chemistry classes for teenagers', 'lesson planning and marking essays'] },
  { title: 'software developer', minAge: 20, maxAge: 64, places: ['a mid-sized software company', 'a logistics start-up'], tasks: ['the upkeep of a booking system', 'code and code reviews for a mobile app'] },
  { title: 'accountant', minAge: 22, maxAge: 67, places: ['a regional accounting firm', 'the finance office of a manufacturer'], tasks: ['year-end audits', 'payroll and tax filings for small clients'] },
  { title: 'graphic designer', minAge: 20, maxAge: 62, places: ['a small branding studio', 'the marketing team of a publisher'], tasks: ['packaging and poster layouts', 'logos and social media visuals'] },
  { title: 'electrician', minAge: 19, maxAge: 66, places: ['a family-run contracting business', 'building sites across the city'], tasks: ['the rewiring of older apartments', 'lighting installations and fault-finding'] },
  { title: 'university student', minAge: 18, maxAge: 26, places: ['a public university', 'a technical college'], tasks: ['an engineering degree and a part-time café job', 'coursework in economics and evening tutoring'] },
  { title: 'retail store manager', minAge: 24, maxAge: 64, places: ['a supermarket branch', 'a clothing store in a shopping centre'], tasks: ['staff rotas and stock orders', 'sales targets and customer complaints'] },
  { title: 'bus driver', minAge: 23, maxAge: 66, places: ['the city transit company', 'a regional coach operator'], tasks: ['early-morning commuter routes', 'long suburban routes with tight timetables'] },
  { title: 'civil engineer', minAge: 23, maxAge: 66, places: ['a public works department', 'an infrastructure consultancy'], tasks: ['bridge inspections and site reports', 'drainage and road designs'] },
  { title: 'pharmacist', minAge: 24, maxAge: 67, places: ['a neighbourhood pharmacy', 'a hospital dispensary'], tasks: ['prescription checks and patient advice', 'medicine stock and dosage queries'] },
  { title: 'line cook', minAge: 18, maxAge: 60, places: ['a busy downtown restaurant', 'a hotel kitchen'], tasks: ['prep work and the dinner rush', 'grill service and stock rotation'] },
  { title: 'journalist', minAge: 22, maxAge: 66, places: ['a regional newspaper', 'an online news outlet'], tasks: ['local politics and court reporting', 'features and interviews on city life'] },
  { title: 'social worker', minAge: 23, maxAge: 66, places: ['a municipal family services office', 'a housing charity'], tasks: ['home visits and case reports', 'support for families facing eviction'] },
  { title: 'farmer', minAge: 18, maxAge: 79, places: ['a mixed family farm', 'a vegetable smallholding outside town'], tasks: ['crops, livestock and machinery repairs', 'planting, harvest and market days'] },
  { title: 'bakery owner', minAge: 26, maxAge: 72, places: ['a small neighbourhood bakery', 'a café-bakery near the station'], tasks: ['early baking shifts and the accounts', 'suppliers, staff and the morning queue'] },
  { title: 'marketing coordinator', minAge: 21, maxAge: 55, places: ['a consumer goods company', 'a travel agency'], tasks: ['campaign schedules and product launches', 'newsletters and event planning'] },
  { title: 'warehouse supervisor', minAge: 22, maxAge: 65, places: ['a distribution centre', 'an online retailer warehouse'], tasks: ['shift handovers and picking targets', 'safety checks and delivery schedules'] },
  { title: 'laboratory technician', minAge: 20, maxAge: 65, places: ['a university research lab', 'a food testing laboratory'], tasks: ['sample preparation and assays', 'instrument calibration and result logs'] },
  { title: 'customer service representative', minAge: 18, maxAge: 64, places: ['a telecom call centre', 'the support desk of an insurance company'], tasks: ['billing questions and complaints', 'phone and chat support for policyholders'] },
  { title: 'physiotherapist', minAge: 23, maxAge: 66, places: ['a sports injury clinic', 'a rehabilitation centre'], tasks: ['treatment plans for knee and back injuries', 'mobility rehabilitation for older patients'] },
  { title: 'retired teacher', minAge: 62, maxAge: 79, places: ['the local library', 'a neighbourhood community centre'], tasks: ['reading sessions for children', 'a programme of talks for older residents'] },
  { title: 'retired factory worker', minAge: 60, maxAge: 79, places: ['a community garden', 'the neighbourhood senior club'], tasks: ['a vegetable plot and the tool shed', 'small repairs and the weekly bingo night'] },
];

/** English indefinite article by sound: "an electrician", but "a university student". */
export function article(word: string): 'a' | 'an' {
  return /^[aeiou]/i.test(word) && !/^(uni|use|eu|one)/i.test(word) ? 'an' : 'a';
}
