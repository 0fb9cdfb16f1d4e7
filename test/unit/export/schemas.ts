// JSON Schemas written down from each framework's documentation and loader code, so the export
// tests check what the framework reads, not what we happen to write.

/**
 * OASIS Reddit profiles: camel-ai/oasis, oasis/social_agent/agents_generator.py,
 * generate_reddit_agent_graph / generate_reddit_agents: json.load(file) → a list; for each agent
 * it reads agent_info[i]["persona"], ["mbti"], ["gender"], ["age"], ["country"], ["username"],
 * ["bio"], and sign_up(username, realname, bio). Missing keys raise KeyError there.
 */
export const OASIS_REDDIT_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['realname', 'username', 'bio', 'persona', 'age', 'gender', 'mbti', 'country'],
    properties: {
      realname: { type: 'string', minLength: 1 },
      username: { type: 'string', pattern: '^[a-z0-9_]{1,30}$' },
      bio: { type: 'string', minLength: 1 },
      persona: { type: 'string', minLength: 1 },
      age: { type: ['integer', 'null'] },
      gender: { type: 'string' },
      mbti: { type: 'string' },
      country: { type: 'string' },
    },
  },
} as const;

/**
 * OASIS Twitter profiles: same file, generate_twitter_agent_graph / generate_agents:
 * pd.read_csv(path) and the columns "user_char", "username", "description", "name",
 * "following_agentid_list" and "previous_tweets" (both through ast.literal_eval); the OASIS docs
 * ("Twitter Dataset Documentation") list user_id, name, username, following_agentid_list,
 * previous_tweets, user_char, description. One row per agent; agent ids are row numbers.
 */
export const OASIS_TWITTER_ROW_SCHEMA = {
  type: 'object',
  required: ['user_id', 'name', 'username', 'user_char', 'description', 'following_agentid_list', 'previous_tweets'],
  properties: {
    user_id: { type: 'string', pattern: '^\\d+$' },
    name: { type: 'string', minLength: 1 },
    username: { type: 'string', pattern: '^[a-z0-9_]{1,30}$' },
    user_char: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
    // A Python list literal ast.literal_eval accepts; we write the empty list.
    following_agentid_list: { type: 'string', pattern: '^\\[(\\d+(, ?\\d+)*)?\\]$' },
    previous_tweets: { type: 'string', pattern: '^\\[.*\\]$' },
  },
} as const;

/**
 * TinyTroupe agent specification (*.agent.json): microsoft/TinyTroupe, TinyPerson.load_specification
 * requires an object with "type": "TinyPerson" and a "persona" object; the persona fields follow
 * examples/agents/Lisa.agent.json (name, age, gender, nationality, residence, occupation
 * {title, organization, description}, personality {traits[], big_five{five strings}}, other_facts[]).
 */
export const TINYTROUPE_SCHEMA = {
  type: 'object',
  required: ['type', 'persona'],
  properties: {
    type: { const: 'TinyPerson' },
    persona: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        age: { type: 'integer' },
        gender: { type: 'string' },
        nationality: { type: 'string' },
        residence: { type: 'string' },
        occupation: {
          type: 'object',
          required: ['title', 'organization', 'description'],
          properties: { title: { type: 'string' }, organization: { type: 'string' }, description: { type: 'string' } },
          additionalProperties: false,
        },
        personality: {
          type: 'object',
          required: ['traits', 'big_five'],
          properties: {
            traits: { type: 'array', items: { type: 'string' } },
            big_five: {
              type: 'object',
              required: ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'],
              properties: Object.fromEntries(
                ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'].map((t) => [t, { type: 'string', pattern: '^(High|Medium|Low)\\.' }]),
              ),
              additionalProperties: false,
            },
          },
        },
        other_facts: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  additionalProperties: false,
} as const;

/**
 * Chat system prompts: the OpenAI chat-completions "messages" array (role ∈ system|user|assistant,
 * content string) as read by llama.cpp's server, vLLM and Ollama's OpenAI-compatible endpoints.
 */
export const SYSTEM_PROMPT_LINE_SCHEMA = {
  type: 'object',
  required: ['id', 'messages'],
  properties: {
    id: { type: 'string', minLength: 1 },
    messages: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['role', 'content'], properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string', minLength: 1 } } },
    },
  },
  additionalProperties: false,
} as const;
