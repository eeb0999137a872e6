import { describe, expect, it } from 'vitest';
import { compareVersions } from './messageVersion.ts';
import { htmlToText, separateEmoji, stripNonLinguistic } from './plainText.ts';

describe('htmlToText', () => {
  it('drops tags, scripts and styles, and decodes entities', () => {
    expect(htmlToText('<p>Salut <b>toi</b></p><p>&amp; bye&#33; &#x1F600;</p>')).toBe('Salut toi & bye! 😀');
    expect(htmlToText('a<script>alert("bad words")</script>b<br/>c<style>p{}</style>')).toBe('a b c');
    expect(htmlToText('&bogus; &#99999999;')).toBe('&bogus; &#99999999;');
  });
});

describe('stripNonLinguistic', () => {
  it('removes links, addresses, mentions, tags and emoji', () => {
    expect(stripNonLinguistic('voir https://x.fr/a 😀 @bob #general www.a.b merci bob@mail.fr 🇫🇷')).toBe(
      'voir merci',
    );
  });
  it('keeps words with apostrophes and non-Latin scripts', () => {
    expect(stripNonLinguistic("l'été 👍🏽 привет 世界")).toBe("l'été привет 世界");
  });
});

describe('separateEmoji', () => {
  it('splits emoji from words and drops skin tones and variation selectors', () => {
    expect(separateEmoji('love it❤️👍🏽')).toBe('love it ❤ 👍');
  });
});

describe('compareVersions', () => {
  it('orders decimal versions numerically and leaves others unordered', () => {
    expect(compareVersions('10', '9')).toBe(1);
    expect(compareVersions('0009', '10')).toBe(-1);
    expect(compareVersions('1700000000001', '1700000000001')).toBe(0);
    expect(compareVersions('abc', '1')).toBeUndefined();
  });
});
