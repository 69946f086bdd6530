/** @odoo-module **/

import { url } from "@web/core/utils/urls";

/**
 * What the picker hears (and feels) after a scan: a short ring when it was
 * counted; the barcode error sound and, when the phone can, a vibration when
 * it was refused.
 */
export class ScanSounds {
    constructor() {
        const extension = new Audio().canPlayType("audio/ogg") ? "ogg" : "mp3";
        this.sounds = {
            error: new Audio(url(`/barcodes/static/src/audio/error.${extension}`)),
            ok: new Audio(url(`/mail/static/src/audio/ting.${extension}`)),
        };
    }

    ok() {
        this.play("ok");
    }

    error() {
        this.play("error");
        if ("vibrate" in navigator) {
            navigator.vibrate([200, 100, 200]);
        }
    }

    play(name) {
        const sound = this.sounds[name];
        sound.currentTime = 0;
        // Browsers refuse to play before the first user gesture: the visible warning stays.
        sound.play().catch(() => {});
    }
}
