/**
 * Words that say nothing about a message's topic, so sharing them is no sign of relevance.
 * Function words of the languages students here write in most (English, Spanish, French, German,
 * Portuguese), plus the chat words every tutor exchange shares ("help", "explain", "thanks").
 * Function words that are English content words are left out (German "war", "hat"; Spanish
 * "son", "era"), since English is most of the traffic.
 * Lower case, as `normalise` produces; contractions appear split at the apostrophe ("don", "re").
 */
const english = `a about above after again against all also am an and any are aren as at be because been
before being below between both but by can cannot could couldn did didn do does doesn doing don down
during each few for from further had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just ll me more most my myself no nor not now of off
on once only or other our ours ourselves out over own re same she should shouldn so some such than
that the their theirs them themselves then there these they this those through to too under until up
ve very was wasn we were weren what when where which while who whom why will with won would wouldn
you your yours yourself yourselves`;

const chat = `answer ask asked be can could explain get give go got hello help hey hi know let like look
make mean means need ok okay please question really say see so sure tell thank thanks think
understand want way well yes yeah`;

const spanish = `al algo como con cual cuando de del donde el ella ellos en entre es esa ese esta este
esto estos fue ha hay la las le les lo los mas me mi muy no nos o para pero por porque que se ser si
sin sobre su sus también te tiene todo tu un una uno unos y ya yo qué cómo cuál cuáles
dónde cuándo está están más él sí`;

const french = `au aux avec ce ces cette dans de des du elle en est et être il ils je la le les leur lui
ma mais me mes moi mon ne nous on ou où par pas pour qu que qui sa se ses sont sur ta te toi ton
tu un une vos votre vous à ça été`;

const german = `aber als am an auch auf aus bei bis das dass dem den der des die dir du ein eine einem
einen einer es für ich ihr im in ist ja kann mich mir mit nach nicht noch nur oder sein sich sie
sind so über um und uns von was wenn wie wir zu zum zur`;

const portuguese = `ao aos as com como da das de do dos ela ele em essa esse esta este eu foi isso mais
mas me meu minha muito na nas não no nos num numa os ou para pela pelo por porque qual quando que se
sem ser seu sua são também te tem um uma você é à está`;

// NFKC like the scanned text, so an accented stopword matches however this file was saved.
export const STOPWORDS: ReadonlySet<string> = new Set(
  [english, chat, spanish, french, german, portuguese]
    .join(" ")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.normalize("NFKC")),
);
