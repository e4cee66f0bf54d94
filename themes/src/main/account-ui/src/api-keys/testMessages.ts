import { createInstance, type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";

import properties from "../../../resources/theme/inference/account/messages/messages_en.properties?raw";

/** The theme's English messages (key=value lines, # comments), for tests that render components. */
export function parseMessages(text: string): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.startsWith("#")) {
      continue;
    }
    const at = line.indexOf("=");
    messages[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return messages;
}

/** An i18next instance with the shipped texts, configured like the console's (src/i18n.ts). */
export async function testI18n(): Promise<I18n> {
  const i18n = createInstance({
    lng: "en",
    fallbackLng: "en",
    nsSeparator: false,
    interpolation: { escapeValue: false },
    resources: { en: { translation: parseMessages(properties) } },
  });
  i18n.use(initReactI18next);
  await i18n.init();
  return i18n;
}
