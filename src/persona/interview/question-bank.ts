/**
 * The built-in interview questions, used when no generative model is configured or its
 * output is unusable. Open-ended on purpose: a yes/no question gets a yes/no answer, which
 * says nothing about how a person thinks or talks.
 */
export const interviewCategories = ['psychology', 'values', 'hypotheticals', 'memories', 'opinions'] as const;

export type InterviewCategory = (typeof interviewCategories)[number];

export interface InterviewQuestion {
  text: string;
  /** One of `interviewCategories` for the bank; a model may propose others. */
  category: string;
}

const bank: Record<InterviewCategory, readonly string[]> = {
  psychology: [
    'What do you do when you are stuck on a problem and nothing is working?',
    'How do you usually react when someone criticises your work?',
    'What makes you lose track of time?',
    'What kind of situation makes you anxious, and how do you deal with it?',
    'How do you recharge after a draining week?',
    'What do people most often misunderstand about you?',
    'How do you make up your mind when you are torn between two choices?',
    'What habit of yours would you most like to change, and why have you not yet?',
    'When do you feel most like yourself?',
    'How do you behave when you are angry?',
    'What do you find yourself thinking about when your mind wanders?',
    'How has the way you handle stress changed over the years?',
    'What do you need from the people around you when things go badly?',
  ],
  values: [
    'What do you value most in the people you spend time with?',
    'What is something you refuse to compromise on, even when it costs you?',
    'What does a good day look like for you, and why?',
    'What would you like people to say about you when you are not in the room?',
    'What do you think you owe to the place you grew up?',
    'What is a rule you live by that you did not learn from your parents?',
    'When is it right to break a promise?',
    'What does success mean to you now, and what did it mean twenty years ago?',
    'What kind of work do you find meaningful, and what kind empty?',
    'How do you decide who to trust?',
    'What do you want to pass on to the next generation?',
    'What is something you believe that most people around you do not?',
  ],
  hypotheticals: [
    'If you could spend a year anywhere in the world doing anything, where and what would it be?',
    'If you could redesign one thing about the city you live in, what would it be?',
    'If you had to teach a class on one subject, what would it be and how would you teach it?',
    'If you could have dinner with anyone from history, who would it be and what would you ask?',
    'If you could go back and give your twenty-year-old self one piece of advice, what would it be?',
    'If money were no concern, how would you spend your days?',
    'If you could master any skill overnight, which would you choose and what would you do with it?',
    'If you had to leave your home with one bag, what would you pack first?',
    'If you could change one decision you made, which would it be and what would you do instead?',
    'If you were put in charge of your profession for a day, what would you change?',
    'If you could live in any period of history, which would you pick and why?',
    'If you could witness any event, past or future, what would it be?',
  ],
  memories: [
    'What is your earliest memory?',
    'Tell me about a teacher or mentor who changed the way you think.',
    'Tell me about a mistake you learned from.',
    'What is a smell or a sound that takes you straight back to childhood?',
    'Tell me about a time you were proud of yourself.',
    'What was your first job like, and what did it teach you?',
    'Tell me about a journey you will never forget.',
    'What is a family story that gets told again and again?',
    'Tell me about a time you changed your mind about something important.',
    'What did your home look like when you were a child?',
    'Tell me about a friendship that shaped you.',
    'What is a day you would gladly live again, and why?',
    'Tell me about a time things went badly wrong and how you got through it.',
  ],
  opinions: [
    'What is an opinion you hold that would start an argument at a family dinner?',
    'What is overrated in your field, and what is underrated?',
    'What do you think about how people use their phones today?',
    'What makes a good leader, in your experience?',
    'What is the best piece of advice you have ever been given, and do you still agree with it?',
    'What book, film or piece of music do you think everyone should know, and why?',
    'What do you think schools get wrong?',
    'How do you feel about the way your city has changed?',
    'What is a popular idea you think is simply wrong?',
    'What do you think makes a conversation worth having?',
    'Which changes in the world over your lifetime do you welcome, and which do you regret?',
    'What do you think about ambition: is it a virtue or a trap?',
  ],
};

/** Every bank question with its category, grouped by category in `interviewCategories` order. */
export const questionBank: readonly InterviewQuestion[] = interviewCategories.flatMap((category) =>
  bank[category].map((text) => ({ text, category })),
);
