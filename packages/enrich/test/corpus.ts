/**
 * A fixed multilingual corpus for the offline enrichers. `language` is given only for cases clear
 * enough to assert (long enough, one language); `polarity` only for clear English (or emoji) cases.
 */
export interface CorpusEntry {
  readonly text: string;
  readonly language?: string;
  readonly polarity?: 'positive' | 'negative' | 'neutral';
  readonly note?: string;
}

export const corpus: readonly CorpusEntry[] = [
  // English, clear sentiment
  { text: 'I absolutely love this new feature, thank you so much!', language: 'eng', polarity: 'positive' },
  {
    text: 'This is wonderful news, congratulations to the whole team!',
    language: 'eng',
    polarity: 'positive',
  },
  {
    text: 'Great job everyone, the demo was amazing and the customers were happy.',
    language: 'eng',
    polarity: 'positive',
  },
  {
    text: 'This is terrible, the build is broken again and I hate it.',
    language: 'eng',
    polarity: 'negative',
  },
  {
    text: 'I am very angry and disappointed with how awful this meeting was.',
    language: 'eng',
    polarity: 'negative',
  },
  {
    text: 'The server crashed, we lost data and everyone is frustrated and sad.',
    language: 'eng',
    polarity: 'negative',
  },
  {
    text: 'The meeting is scheduled for Tuesday at three in the afternoon.',
    language: 'eng',
    polarity: 'neutral',
  },
  // French
  { text: 'Bonjour à tous, je serai en retard ce matin à cause des travaux sur la route.', language: 'fra' },
  {
    text: "Est-ce que quelqu'un peut m'envoyer le compte rendu de la réunion d'hier soir ?",
    language: 'fra',
  },
  // Spanish
  { text: 'Hola a todos, ¿alguien sabe dónde está la documentación del nuevo proyecto?', language: 'spa' },
  { text: 'Mañana por la tarde vamos a celebrar el cumpleaños de mi hermana en casa.', language: 'spa' },
  // German
  { text: 'Guten Morgen zusammen, ich bin heute leider krank und arbeite von zu Hause.', language: 'deu' },
  { text: 'Könnt ihr bitte die Präsentation bis Freitag fertig machen und mir schicken?', language: 'deu' },
  // Portuguese
  {
    text: 'Olá pessoal, vamos nos encontrar amanhã na praia depois do almoço com os amigos.',
    language: 'por',
  },
  { text: 'Não consegui terminar o relatório ontem porque a internet estava muito lenta.', language: 'por' },
  // Italian
  { text: 'Ciao a tutti, oggi pomeriggio andiamo al mare con la famiglia e gli amici.', language: 'ita' },
  {
    text: 'Qualcuno ha visto le chiavi della macchina? Le ho lasciate sul tavolo della cucina.',
    language: 'ita',
  },
  // Russian
  { text: 'Привет всем, как у вас дела? Сегодня очень хорошая погода для прогулки.', language: 'rus' },
  { text: 'Мы сегодня вечером идём в кино, хочешь пойти с нами?', language: 'rus' },
  {
    text: 'Я не смогу прийти на встречу завтра, давайте перенесём её на пятницу.',
    note: 'Russian that franc-min takes for Bosnian (close Cyrillic trigram models); not asserted',
  },
  // Japanese, Chinese
  { text: '今日はとても良い天気ですね。一緒に公園に行きましょう。', language: 'jpn' },
  { text: '明日の会議の資料を送っていただけますか。よろしくお願いします。', language: 'jpn' },
  { text: '我们明天下午三点在会议室开会，请大家准时参加。', language: 'cmn' },
  { text: '这个新功能非常好用，谢谢你们的努力工作和帮助。', language: 'cmn' },
  // emoji
  { text: '😍😍😍', language: 'und', polarity: 'positive', note: 'emoji only, positive' },
  { text: '😡😭', language: 'und', polarity: 'negative', note: 'emoji only, negative' },
  { text: '👍🏽❤️', language: 'und', polarity: 'positive', note: 'skin tone and variation selector' },
  { text: '👨‍👩‍👧‍👦🏳️‍🌈🇫🇷', language: 'und', note: 'ZWJ sequences and a flag' },
  { text: 'Thanks a lot, this is great 🎉🎉', polarity: 'positive', note: 'English with emoji' },
  // edge cases
  { text: '', language: 'und', polarity: 'neutral', note: 'empty' },
  { text: '   \n\t ', language: 'und', polarity: 'neutral', note: 'whitespace' },
  { text: 'ok', language: 'und', note: 'one word' },
  { text: 'merci', language: 'und', note: 'one word, French' },
  { text: '?!', language: 'und', polarity: 'neutral', note: 'punctuation' },
  {
    text: 'https://example.com/some/very/long/path?with=query&and=more#fragment',
    language: 'und',
    note: 'URL only',
  },
  {
    text: 'Voici le lien https://example.org/docs/guide pour la documentation complète du projet.',
    language: 'fra',
    note: 'French with a URL',
  },
  { text: 'hello мир 世界 mixed', note: 'mixed scripts, too mixed to assert' },
  { text: 'Meeting at 10:30 👉 room 4B 🙂 привет こんにちは', note: 'mixed scripts and emoji' },
  { text: '@alice #general 12345 67890 !!!', language: 'und', note: 'mentions, tags and digits' },
  { text: 'ÀÉÎÕÜ ßđħ ĳœ', note: 'letters without a language' },
  { text: '\u202Eevil rtl override\u202C and \u0000 nul', note: 'control characters' },
  { text: 'שלום לכולם, מה שלומכם היום? אני מקווה שהכל בסדר אצלכם.', note: 'Hebrew (RTL)' },
  { text: 'a'.repeat(20_000), note: 'very long single token' },
];
