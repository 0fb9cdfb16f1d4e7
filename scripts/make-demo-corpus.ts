/**
 * Writes public/demo-corpus/: ~40 synthetic bloggers in the Blog Authorship Corpus XML form
 * (`ID.GENDER.AGE.INDUSTRY.SIGN.xml`), written for this project from templates, plus index.json.
 * Seeded: running it again gives the same bytes. `npx tsx scripts/make-demo-corpus.ts [--seed N]`
 *
 * Every text is invented here; no real blogger's words are used. Two files carry the warts the
 * real corpus has (a bare '&', a Latin-1 file, a month in German) so the import's skip report
 * has something to show.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../public/demo-corpus');
const seedArg = process.argv.indexOf('--seed');
const rng = new Rng(seedArg > 0 ? Number(process.argv[seedArg + 1]) : 20040531);

const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const chance = (p: number): boolean => rng.next() < p;
const some = <T>(xs: readonly T[], n: number): T[] => rng.shuffle([...xs]).slice(0, n);

type Style = 'teen' | 'plain' | 'wordy' | 'terse' | 'bubbly' | 'gloomy';

interface Blogger {
  id: string;
  gender: 'male' | 'female';
  age: number;
  industry: string;
  sign: string;
  job: string;
  interests: string[];
  style: Style;
  household: string;
  posts: number;
  latin1?: boolean;
  wart?: 'ampersand' | 'german-date';
}

// Occupations by life stage, each with the industry label the real corpus would use.
const STUDENT_JOBS = [
  { job: 'highschool', industry: 'Student' },
  { job: 'college', industry: 'Student' },
  { job: 'gradschool', industry: 'Education' },
] as const;
const ADULT_JOBS = [
  { job: 'nurse', industry: 'indUnk' },
  { job: 'teacher', industry: 'Education' },
  { job: 'programmer', industry: 'Technology' },
  { job: 'webdesigner', industry: 'Internet' },
  { job: 'lawyer', industry: 'Law' },
  { job: 'reporter', industry: 'Communications-Media' },
  { job: 'accountant', industry: 'Accounting' },
  { job: 'banker', industry: 'Banking' },
  { job: 'engineer', industry: 'Engineering' },
  { job: 'chef', industry: 'indUnk' },
  { job: 'musician', industry: 'Arts' },
  { job: 'librarian', industry: 'Museums-Libraries' },
  { job: 'soldier', industry: 'Military' },
  { job: 'pastor', industry: 'Religion' },
  { job: 'retail', industry: 'Fashion' },
  { job: 'marketer', industry: 'Marketing' },
  { job: 'nonprofit', industry: 'Non-Profit' },
  { job: 'scientist', industry: 'Science' },
  { job: 'clerk', industry: 'Government' },
  { job: 'realtor', industry: 'RealEstate' },
  { job: 'trucker', industry: 'Transportation' },
  { job: 'athlete', industry: 'Sports-Recreation' },
  { job: 'editor', industry: 'Publishing' },
  { job: 'consultant', industry: 'Consulting' },
] as const;

const SIGNS = ['Aries', 'Taurus', 'Gemini', 'Cancer', 'Leo', 'Virgo', 'Libra', 'Scorpio', 'Sagittarius', 'Capricorn', 'Aquarius', 'Pisces'];

const JOB_LINES: Record<string, string[]> = {
  highschool: [
    'had a chem quiz today and i think i bombed the part about moles',
    'my locker got jammed again so i was late for second period',
    'the cafeteria pizza was actually edible for once',
    'we have a huge english paper due friday on the great gatsby and i have not even started',
    'band practice ran late because the trumpets kept coming in early',
    'my mom says i can get my permit next month if my grades stay up',
  ],
  college: [
    'I pulled an all-nighter in the library for my stats midterm',
    'my roommate keeps leaving dishes in the sink and I am running out of polite ways to mention it',
    'the dining hall had the waffle machine working, which made the whole morning better',
    'I dropped my 8am philosophy section because I could not stay awake through it',
    'there was a house party on our street and the music went until three',
    'I signed up for an internship fair next week and need to print my resume',
  ],
  gradschool: [
    'my advisor sent back my chapter draft covered in red ink',
    'I spent nine hours in the lab and the samples still did not crystallise',
    'TA office hours were packed because the problem set is due tomorrow',
    'I presented at the department seminar and only stumbled once',
    'the stipend came in and it is already mostly spoken for',
  ],
  nurse: [
    'twelve-hour shift on the ward and I barely sat down',
    'one of my patients was discharged today and her family brought us cookies',
    'we were short two nurses tonight so everyone ran',
    'I am on nights again next week, which means blackout curtains and coffee',
    'a new doctor on the floor kept asking me where everything was',
  ],
  teacher: [
    'my fourth period finally understood fractions and I almost cried',
    'I graded thirty essays on the couch with the TV on mute',
    'we had a fire drill in the middle of the test',
    'parent conferences ran until seven',
    'one of my quiet kids raised his hand three times today',
  ],
  programmer: [
    'spent the day chasing a bug that turned out to be a missing semicolon',
    'the build server died again and nobody admits to touching it',
    'we shipped the release at midnight and then found two more bugs',
    'I rewrote the login module and deleted four hundred lines',
    'my manager wants an estimate for something nobody has specified yet',
  ],
  webdesigner: [
    'a client asked me to make the logo bigger, then smaller, then bigger',
    'I finally got the layout to look the same in both browsers',
    'spent the afternoon slicing images for a bakery site',
    'the new stylesheet broke every page on the old site',
  ],
  lawyer: [
    'I billed eleven hours today and still have a brief due Monday',
    'the deposition went on forever and the witness remembered nothing',
    'the partner liked my memo, which never happens',
    'court was postponed again so the whole week shifted',
  ],
  reporter: [
    'I covered a city council meeting that lasted four hours over a parking ordinance',
    'my editor cut my story in half ten minutes before deadline',
    'I got a great quote from a farmer about the drought',
    'the paper is cutting pages again and everyone is nervous',
  ],
  accountant: [
    'quarter close means spreadsheets until my eyes cross',
    'found a rounding error that explained three days of confusion',
    'the auditors arrive next week and the office smells like fear',
    'tax season is coming and I already dread it',
  ],
  banker: [
    'the market dropped and the phones did not stop',
    'I sat through a three-hour meeting about a merger that may never happen',
    'my desk got moved closer to the window, a small victory',
    'a customer yelled at me about a fee I did not invent',
  ],
  engineer: [
    'the prototype failed the stress test in exactly the spot I predicted',
    'site visit today, mud up to my ankles',
    'I redrew the same bracket four times for a client who keeps changing the load',
    'our team finally got the pump running at the rated flow',
  ],
  chef: [
    'Friday service was slammed and we ran out of the short ribs by eight',
    'I tried a new risotto special and it sold out',
    'burned my wrist on the salamander again',
    'the walk-in cooler broke and we spent the morning moving everything',
  ],
  musician: [
    'we played a bar gig to eleven people and the bartender',
    'I finally finished the bridge for the new song',
    'the drummer quit, so we are auditioning again',
    'spent the evening restringing my guitar and practising scales',
  ],
  librarian: [
    'a kid asked me for a book about sharks that is also about space',
    'we weeded the reference section and I felt like a traitor',
    'story time went well until the puppet fell apart',
    'someone returned a book eleven years overdue with a very nice note',
  ],
  soldier: [
    'long day on the range and my shoulder is sore',
    'we got mail today and it was the best part of the week',
    'inspection tomorrow so the whole barracks is scrubbing',
    'I miss real food and real sleep in that order',
  ],
  pastor: [
    'I wrote Sunday\'s sermon three times before it said what I meant',
    'visited two members in the hospital this afternoon',
    'the youth group car wash raised more than we expected',
    'the church roof is leaking again and the committee is meeting about it',
  ],
  retail: [
    'the store had a sale and people were fighting over sweaters',
    'I folded the same table of jeans about forty times',
    'my manager put me on closing shifts all week',
    'a woman returned a dress she obviously wore to a wedding',
  ],
  marketer: [
    'we spent the whole meeting arguing about the font on a brochure',
    'the focus group hated the campaign we loved',
    'I wrote taglines for a yoghurt brand until they all sounded the same',
    'our launch numbers came in better than expected',
  ],
  nonprofit: [
    'the grant application is due and the budget still does not add up',
    'we served more families at the food bank than ever before',
    'a volunteer showed up with a truck full of donated coats',
    'I spent the day on the phone asking people for money, politely',
  ],
  scientist: [
    'the gel came out blurry again so the whole run is wasted',
    'our paper got rejected with one helpful review and two strange ones',
    'I spent the day calibrating an instrument older than me',
    'the mice did exactly what we predicted, which is suspicious',
  ],
  clerk: [
    'the permit forms changed again and nobody told the public',
    'I stamped things for six hours straight',
    'a man argued with me about his property tax for forty minutes',
    'the office finally got new computers, from this century even',
  ],
  realtor: [
    'I showed the same house four times to a couple who cannot decide',
    'closing got delayed because of a missing signature',
    'open house today, mostly neighbours being nosy',
    'interest rates are low and everybody wants to buy',
  ],
  trucker: [
    'eleven hours on the interstate and one decent truck stop',
    'snow in the pass so I sat for three hours',
    'made my delivery early for once and the dock was closed',
    'I called home from a diner and my daughter told me about her spelling test',
  ],
  athlete: [
    'two-a-day practices are killing my legs',
    'coach moved me up to the first team',
    'we lost by one point and the bus ride home was silent',
    'I iced my knee for an hour and watched game film',
  ],
  editor: [
    'I read three manuscripts this week and only one had a plot',
    'a writer argued with me about commas for an entire email',
    'the catalogue went to the printer with one typo I will never forgive',
    'we bought a novel I fought for and I am thrilled',
  ],
  consultant: [
    'flew out at six, two meetings, flew back at nine',
    'the client wants a strategy deck by Thursday and we have no strategy',
    'I made forty slides that say the same thing in different colours',
    'hotel room, room service, spreadsheet, sleep',
  ],
};

const INTERESTS: Record<string, string[]> = {
  music: [
    'I have had the same album on repeat all week',
    'we went to a show downtown and my ears are still ringing',
    'I burned a mix CD for the car and it is perfect',
    'I finally learned the chords to a song I have loved since I was a kid',
    'the radio here plays the same ten songs all day',
  ],
  movies: [
    'we rented three movies and fell asleep during the second',
    'saw the new superhero movie and it was better than I expected',
    'I cried at the end of a movie I am too embarrassed to name',
    'the theatre was freezing but the movie was worth it',
  ],
  books: [
    'I stayed up until two finishing a mystery novel',
    'the library had the sequel I have been waiting for',
    'I started a thick Russian novel and keep forgetting who everyone is',
    'I reread an old favourite and it held up',
  ],
  gaming: [
    'I finally beat the boss that has been ruining my week',
    'we had a LAN party in the basement until sunrise',
    'I spent way too long levelling up my character',
    'the new game came out and I have not left the couch',
  ],
  cooking: [
    'I made soup from scratch and it was actually good',
    'tried baking bread and ended up with a brick',
    'the farmers market had perfect tomatoes so dinner was easy',
    'I ruined a pan making caramel',
  ],
  running: [
    'ran five miles before work and felt great all day',
    'my knee is acting up so I only did two miles',
    'signed up for a half marathon in the fall',
    'it was so humid on my run that I gave up halfway',
  ],
  faith: [
    'church this morning was peaceful and the choir was lovely',
    'I have been reading a psalm every night before bed',
    'our small group talked about forgiveness and it hit close to home',
    'I prayed about the job thing and feel calmer',
  ],
  politics: [
    'I watched the debate and yelled at the TV more than once',
    'everyone at dinner argued about the election',
    'I volunteered to register voters outside the grocery store',
    'the news this week makes me tired',
  ],
  fashion: [
    'I found the perfect jacket at a thrift store for six dollars',
    'went shopping with my sister and bought nothing, which is a first',
    'I dyed my hair a colour my mother does not approve of',
    'new shoes, instant blisters, no regrets',
  ],
  travel: [
    'I booked a cheap flight to visit my cousin next month',
    'we drove to the coast for the weekend and it rained the whole time',
    'I looked at pictures from last summer and want to go back',
    'the train ride was long but the views were incredible',
  ],
  pets: [
    'the dog ate a whole loaf of bread off the counter',
    'my cat has decided my keyboard is her bed',
    'we adopted a second cat and the first one is not amused',
    'took the dog to the park and he made friends with everyone',
  ],
  gardening: [
    'the tomatoes are finally turning red',
    'spent the morning weeding and my back is sore',
    'something is eating my lettuce and I will find out what',
    'planted bulbs for spring even though it feels far away',
  ],
  sports: [
    'the game went to overtime and I could not sit still',
    'our team traded away my favourite player',
    'played pickup basketball and did not embarrass myself',
    'watched the playoffs at a bar with friends',
  ],
  computers: [
    'I built a new computer from parts and it booted first try',
    'spent the night reinstalling everything after a virus',
    'I am learning to make websites in my spare time',
    'my dial-up connection dropped five times tonight',
  ],
  art: [
    'I filled half a sketchbook this weekend',
    'went to the museum and stood in front of one painting for twenty minutes',
    'I am trying watercolours and they are harder than they look',
    'finished a painting and hung it crooked on purpose',
  ],
  writing: [
    'I wrote three pages of my novel and deleted two',
    'I entered a short story contest, fingers crossed',
    'I keep a notebook by the bed for ideas and it is mostly nonsense',
    'wrote a poem on the bus and liked it',
  ],
};

const HOUSEHOLD: Record<string, string[]> = {
  parents: [
    'my mom made me clean my room before I could go out',
    'dad is on another health kick so there is no sugar in the house',
    'my little brother broke the VCR',
    'we had a big family dinner and my aunt asked about my grades',
  ],
  roommates: [
    'my roommate brought home a couch from the curb',
    'we had a house meeting about the electric bill',
    'the apartment smells like someone else\'s curry, which is honestly fine',
  ],
  partner: [
    'my husband cooked dinner and only set off the smoke alarm once',
    'my girlfriend and I walked along the river after work',
    'my boyfriend and I had a stupid argument about directions',
    'my wife and I finally painted the spare room',
  ],
  kids: [
    'the kids had the stomach flu one after another',
    'my son lost his first tooth and the tooth fairy was out of cash',
    'my daughter\'s recital was adorable and very long',
    'we carved pumpkins and the kitchen looks like a crime scene',
  ],
  alone: [
    'quiet evening alone with tea and the radio',
    'I talked to my plants today, which is probably a sign',
    'I ate cereal for dinner again',
  ],
};

const WEATHER = [
  'it rained all day', 'it was finally sunny', 'it snowed overnight', 'it was hot and sticky', 'the wind nearly took the door off', 'it was grey and cold',
];

const OPENERS: Record<Style, string[]> = {
  teen: ['ok so', 'ugh.', 'omg', 'so today', 'bored again.', 'hey everyone'],
  plain: ['Today', 'Not much to report.', 'Long day.', 'Quick update.', 'So,', 'Well,'],
  wordy: ['I have been meaning to write for a while now, and tonight I finally have a moment.', 'There is something about a quiet evening that makes me want to write things down.', 'It has been one of those weeks where everything happens at once.'],
  terse: ['Day.', 'Work.', 'Update.', 'Note to self.', 'Evening.'],
  bubbly: ['Hi hi hi!', 'What a day!!', 'Guess what!', 'Happy Friday everyone!', 'Okay so I am SO excited.'],
  gloomy: ['Another day.', 'I don\'t know why I keep writing this.', 'Tired.', 'Nothing really changes.', 'Can\'t sleep.'],
};

const CLOSERS: Record<Style, string[]> = {
  teen: ['anyway ttyl', 'lol whatever', 'gtg mom needs the phone line', 'peace out', 'ok bye'],
  plain: ['More later.', 'Anyway, that was the day.', 'Off to bed.', 'We will see how tomorrow goes.'],
  wordy: ['I suppose that is what life is, really: small things that add up to something you only notice later.', 'I will write more when I have figured out what I think about all of this.', 'If anyone is still reading this, thank you for listening to me ramble.'],
  terse: ['Bed.', 'Done.', 'Tomorrow, again.', 'That is all.'],
  bubbly: ['Love you all!!', 'Can\'t wait for the weekend!', 'Smiles all around :)', 'Yay for life!'],
  gloomy: ['Whatever.', 'Maybe tomorrow will be different. Probably not.', 'Going to try to sleep.', 'I just needed to write that down.'],
};

const FEELINGS: Record<Style, string[]> = {
  teen: ['its so unfair', 'i was sooo annoyed', 'that was kinda awesome', 'i literally could not stop laughing'],
  plain: ['That was a relief.', 'I was pretty tired after that.', 'It was a good day overall.', 'Not bad.'],
  wordy: ['I keep thinking about how strange it is that such a small thing can change the mood of a whole day.', 'It reminded me of when I was younger and everything felt more urgent.'],
  terse: ['Fine.', 'Good.', 'Annoying.', 'Tired.'],
  bubbly: ['It was AMAZING!', 'Best. Day. Ever.', 'I could not stop smiling!', 'Seriously so happy right now!'],
  gloomy: ['It didn\'t help.', 'I felt nothing much.', 'Everyone else seemed happy about it.', 'Just more of the same.'],
};

// Slot templates give each blogger sentences nobody else has, on top of the fixed pools.
const SLOTS: Record<string, string[]> = {
  who: ['my best friend', 'my neighbour', 'a guy from work', 'my cousin', 'my sister', 'an old friend from school', 'my brother', 'a friend from church', 'the new girl at work', 'my old roommate'],
  place: ['the mall', 'the lake', 'that diner on Fifth', 'the bowling alley', 'the bookstore', 'the park', 'a karaoke bar', 'the flea market', 'the beach', 'the county fair', 'a coffee shop downtown', 'the zoo'],
  outcome: ['it was packed', 'we stayed way too long', 'it was closed, of course', 'we ran into half the town', 'we got completely lost on the way', 'it was better than I remembered', 'it poured the moment we got there'],
  food: ['leftover pizza', 'pancakes', 'a burrito the size of my arm', 'instant noodles', 'my grandmother\'s lasagna', 'a sad salad', 'Thai takeout', 'grilled cheese', 'chili', 'a whole bag of pretzels'],
  meal: ['breakfast', 'lunch', 'dinner', 'a midnight snack'],
  opinion: ['regret nothing', 'regret everything', 'it was exactly what I needed', 'I am still hungry', 'I will never learn'],
  duration: ['an hour', 'the whole afternoon', 'most of the night', 'twenty minutes', 'three hours', 'all weekend'],
  activity: ['cleaning out the closet', 'fixing the bike', 'watching old episodes of a sitcom', 'sorting photos', 'rearranging the furniture', 'on the phone with the cable company', 'looking for my keys', 'writing emails I never sent'],
  topic: ['money', 'the holidays', 'my future', 'nothing at all', 'her new job', 'his divorce', 'the old neighbourhood', 'whether to move'],
  worry: ['what I am doing with my life', 'whether I said the wrong thing yesterday', 'the bills', 'the test next week', 'my health', 'how fast this year is going'],
  plan: ['a dentist appointment', 'a job interview', 'a birthday party to go to', 'nothing planned, finally', 'a long drive', 'an early shift'],
};

function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => pick(SLOTS[k] ?? [k]));
}

const EVENTS = [
  '{who} and I went to {place} and {outcome}',
  'I had {food} for {meal} and {opinion}',
  'spent {duration} {activity}',
  '{who} called and we talked about {topic} for {duration}',
  'I keep thinking about {worry}',
  'tomorrow I have {plan}',
  'ran into {who} at {place}',
  'I was supposed to meet {who} but {outcome}',
];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function sentence(s: string, style: Style): string {
  let t = s.trim();
  if (style === 'teen') return t.toLowerCase().replace(/[.]$/, '');
  t = t.replace(/\bi\b/g, 'I');
  t = t.charAt(0).toUpperCase() + t.slice(1);
  if (!/[.!?)]$/.test(t)) t += style === 'bubbly' ? '!' : '.';
  return t;
}

function writePost(b: Blogger, date: Date): string {
  const parts: string[] = [pick(OPENERS[b.style])];
  const n = b.style === 'terse' ? 2 + rng.int(2) : b.style === 'wordy' ? 5 + rng.int(4) : 3 + rng.int(4);
  const used = new Set<string>();
  const add = (line: string): void => {
    const s = sentence(line, b.style);
    if (!used.has(s)) parts.push(s);
    used.add(s);
  };
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.25) add(pick(JOB_LINES[b.job]!));
    else if (r < 0.5) add(pick(INTERESTS[pick(b.interests)]!));
    else if (r < 0.62) add(pick(HOUSEHOLD[b.household]!));
    else if (r < 0.9) add(fill(pick(EVENTS)));
    else add(`${pick(WEATHER)} ${date.getUTCMonth() < 2 || date.getUTCMonth() === 11 ? 'and the heater is making that noise again' : 'so I stayed in for most of it'}`);
    if (chance(0.2)) add(pick(FEELINGS[b.style]));
  }
  parts.push(pick(CLOSERS[b.style]));
  // Two or three paragraphs for the longer posts, as bloggers do.
  const paragraphs: string[] = [];
  let cur: string[] = [];
  for (const p of parts) {
    cur.push(p);
    if (cur.length >= 3 && chance(0.35)) {
      paragraphs.push(cur.join(' '));
      cur = [];
    }
  }
  if (cur.length) paragraphs.push(cur.join(' '));
  return paragraphs.join('\n\n       ');
}

function makeBloggers(): Blogger[] {
  const bloggers: Blogger[] = [];
  const ids = new Set<string>();
  const styles: Style[] = ['teen', 'plain', 'wordy', 'terse', 'bubbly', 'gloomy'];
  for (let i = 0; i < 40; i++) {
    let id: string;
    do id = String(1_000_000 + rng.int(3_000_000)); while (ids.has(id));
    ids.add(id);
    const gender = i % 2 === 0 ? 'female' : 'male';
    // Ages as in the real corpus: three bands (13–17, 23–27, 33–48), teens and twenties most common.
    const band = rng.next();
    const age = band < 0.35 ? 13 + rng.int(5) : band < 0.75 ? 23 + rng.int(5) : 33 + rng.int(16);
    const role = age < 18 ? STUDENT_JOBS[0] : age < 23 ? STUDENT_JOBS[1] : age < 28 && chance(0.3) ? pick(STUDENT_JOBS.slice(1)) : pick(ADULT_JOBS);
    const style: Style = age < 18 && chance(0.7) ? 'teen' : pick(styles.filter((s) => s !== 'teen'));
    const household = age < 18 ? 'parents' : age < 28 ? pick(['roommates', 'partner', 'alone', 'parents']) : pick(['partner', 'kids', 'alone', 'kids']);
    bloggers.push({
      id, gender, age,
      industry: role.industry === 'Student' || chance(0.85) ? role.industry : 'indUnk',
      sign: pick(SIGNS), job: role.job,
      interests: some(Object.keys(INTERESTS), 2 + rng.int(2)),
      style, household,
      posts: 10 + rng.int(51),
    });
  }
  // The warts: a bare ampersand, a Latin-1 file, a German month name.
  bloggers[3]!.wart = 'ampersand';
  bloggers[7]!.latin1 = true;
  bloggers[12]!.wart = 'german-date';
  return bloggers;
}

function blogFile(b: Blogger): string {
  const start = Date.UTC(2001, 0, 1) + rng.int(3 * 365) * 86_400_000;
  let t = start;
  const posts: string[] = [];
  let germanDone = false;
  for (let i = 0; i < b.posts; i++) {
    t += (1 + rng.int(b.style === 'terse' ? 4 : 12)) * 86_400_000;
    if (t > Date.UTC(2004, 7, 31)) break;
    const d = new Date(t);
    let month = MONTHS[d.getUTCMonth()]!;
    let text = writePost(b, d);
    if (b.wart === 'ampersand' && i === 2) text += ' Mac & cheese for dinner, which says everything about my week.';
    const german = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'][d.getUTCMonth()]!;
    if (b.wart === 'german-date' && !germanDone && german !== month) {
      month = german;
      germanDone = true;
    }
    if (b.latin1 && i % 3 === 0) text += ' Café au lait, a crème brûlée and a piñata at the party: très bien.';
    posts.push(`<date>${d.getUTCDate()},${month},${d.getUTCFullYear()}</date>\n<post>\n\n       ${text}\n\n\n</post>\n\n`);
  }
  return `<!-- Synthetic blogger written for the persona-align project from templates (scripts/make-demo-corpus.ts); not real user data. -->\n<Blog>\n\n${posts.join('')}</Blog>\n`;
}

const bloggers = makeBloggers();
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith('.xml')) rmSync(join(OUT, f));
const files: string[] = [];
let bytes = 0;
for (const b of bloggers) {
  const name = `${b.id}.${b.gender}.${b.age}.${b.industry}.${b.sign}.xml`;
  const text = blogFile(b);
  const data = b.latin1 ? Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0xff)) : new TextEncoder().encode(text);
  writeFileSync(join(OUT, name), data);
  files.push(name);
  bytes += data.length;
}
writeFileSync(join(OUT, 'index.json'), JSON.stringify({
  description: 'Synthetic bloggers written for this project from templates (scripts/make-demo-corpus.ts). Not real user data.',
  format: 'blog-xml',
  files,
}, null, 2) + '\n');
console.log(`wrote ${files.length} files, ${bytes} bytes, to ${OUT}`);
