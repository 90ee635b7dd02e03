/**
 * Pages that are not products: the robot checks Amazon answers with (four shapes, as seen on the
 * real site) and the "Dogs of Amazon" error pages (503 "Something went wrong", 404 "Page Not Found").
 */
import { type MarketplaceCode, getMarketplace } from '../config/index.js';
import { esc } from './page-common.js';
import type { Rng } from './random.js';

/** The robot-check shapes. */
export type CaptchaShape = 'image' | 'opf' | 'continue' | 'waf';
export const CAPTCHA_SHAPES: readonly CaptchaShape[] = ['image', 'opf', 'continue', 'waf'];

const AUI_CSS = 'https://images-na.ssl-images-amazon.com/images/G/01/AUIClients/AmazonUI-3c913031596ca78a3768f4e934b1cc02ce238101.secure.min._V1_.css';

function robotHead(title: string, mk: MarketplaceCode, requestId: string): string {
  const m = getMarketplace(mk);
  return (
    `<!DOCTYPE html>\n<!--[if lt IE 7]> <html lang="en-us" class="a-no-js a-lt-ie9 a-lt-ie8 a-lt-ie7"> <![endif]-->\n<!--[if gt IE 8]><!-->\n<html class="a-no-js" lang="en-us"><!--<![endif]--><head>\n` +
    `<meta http-equiv="content-type" content="text/html; charset=UTF-8">\n<meta charset="utf-8">\n<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">\n` +
    `<title dir="ltr">${esc(title)}</title>\n<meta name="viewport" content="width=device-width">\n<link rel="stylesheet" href="${AUI_CSS}">\n` +
    `<script>\nif (true === true) {\n    var ue_t0 = (+ new Date()),\n        ue_csm = window,\n        ue = { t0: ue_t0, d: function() { return (+new Date() - ue_t0); } },\n` +
    `        ue_furl = "fls-na.amazon.com",\n        ue_mid = "${m.marketplaceId}",\n        ue_sid = (document.cookie.match(/session-id=([0-9-]+)/) || [])[1],\n        ue_sn = "opfcaptcha.${m.domain}",\n        ue_id = '${requestId}';\n}\n</script>\n</head>\n<body>\n` +
    `<!--\n        To discuss automated access to Amazon data please contact api-services-support@amazon.com.\n        For information about migrating to our APIs refer to our Marketplace APIs.\n-->\n`
  );
}

function robotFooter(mk: MarketplaceCode, requestId: string): string {
  const m = getMarketplace(mk);
  return (
    `<div class="a-divider a-divider-section"><div class="a-divider-inner"></div></div>\n<div class="a-text-center a-spacing-small a-size-mini">\n` +
    `<a href="https://www.${m.domain}/gp/help/customer/display.html/ref=footer_cou?ie=UTF8&nodeId=508088">Conditions of Use</a>\n<span class="a-letter-space"></span>\n` +
    `<a href="https://www.${m.domain}/gp/help/customer/display.html/ref=footer_privacy?ie=UTF8&nodeId=468496">Privacy Policy</a>\n</div>\n` +
    `<div class="a-text-center a-size-mini a-color-base">\n&copy; 1996-2025, Amazon.com, Inc. or its affiliates\n<noscript>\n<img src="https://fls-na.amazon.com/1/oc-csi/1/OP/requestId=${requestId}&js=0" alt=""/>\n</noscript>\n</div>\n</div>\n</body></html>\n`
  );
}

function hiddenAmzn(rng: Rng, returnPath: string): string {
  const r = esc(returnPath).replace(/\//g, '&#047;').replace(/=/g, '&#061;');
  return `<input type=hidden name="amzn" value="${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 22)}==" /><input type=hidden name="amzn-r" value="${r}" />\n`;
}

/** A robot-check page of `shape`, for a request to `returnPath`. */
export function captchaPage(shape: CaptchaShape, mk: MarketplaceCode, returnPath: string, rng: Rng): string {
  const requestId = rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 20);
  const m = getMarketplace(mk);
  switch (shape) {
    case 'waf':
      return (
        `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title></title>\n` +
        `<style>body{font-family:"Amazon Ember",Arial,sans-serif}</style>\n<script type="text/javascript">\nwindow.awsWafCookieDomainList = [];\nwindow.gokuProps = {\n` +
        `"key":"${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 180)}==",\n"iv":"${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 16)}",\n` +
        `"context":"${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 240)}"\n};\n</script>\n` +
        `<script src="https://${rng.chars('0123456789abcdef', 12)}.${rng.chars('0123456789abcdef', 8)}.us-east-2.token.awswaf.com/${rng.chars('0123456789abcdef', 12)}/challenge.js"></script>\n</head>\n<body>\n` +
        `<div id="challenge-container"></div>\n<script type="text/javascript">\nAwsWafIntegration.saveReferrer();\nAwsWafIntegration.checkForceRefresh().then((forceRefresh) => {\n` +
        `  if (forceRefresh) { AwsWafIntegration.forceRefreshToken().then(() => { window.location.reload(true); }); }\n` +
        `  else { AwsWafIntegration.getToken().then(() => { window.location.reload(true); }); }\n});\n</script>\n` +
        `<noscript>\n<h1>JavaScript is disabled</h1>\nIn order to continue, we need to verify that you're not a robot.\nThis requires JavaScript. Enable JavaScript and then reload the page.\n</noscript>\n</body>\n</html>\n`
      );
    case 'continue':
      return (
        robotHead(`Amazon.${m.domain.slice(m.domain.indexOf('.') + 1)}`, mk, requestId) +
        `<div class="a-container a-padding-double-large" style="min-width:350px;padding:44px 0 !important">\n<div class="a-row a-spacing-double-large" style="width: 350px; margin: 0 auto">\n` +
        `<div class="a-row a-spacing-medium a-text-center"><i class="a-icon a-logo" alt="Amazon logo"></i></div>\n` +
        `<div class="a-box a-alert a-alert-info a-spacing-base">\n<div class="a-box-inner">\n<i class="a-icon a-icon-alert" alt="Alert icon"></i>\n<h4>Click the button below to continue shopping</h4>\n</div>\n</div>\n` +
        `<div class="a-section">\n<div class="a-box a-color-offset-background">\n<div class="a-box-inner a-padding-extra-large">\n<form method="get" action="/errors/validateCaptcha" name="">\n` +
        hiddenAmzn(rng, returnPath) +
        `<input type=hidden name="field-keywords" value="${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 6)}" />\n` +
        `<div class="a-section a-spacing-extra-large">\n<div class="a-row">\n<span class="a-button a-button-primary a-span12">\n<span class="a-button-inner">\n` +
        `<button type="submit" class="a-button-text" alt="Continue shopping">Continue shopping</button>\n</span>\n</span>\n</div>\n</div>\n</form>\n</div>\n</div>\n</div>\n</div>\n` +
        robotFooter(mk, requestId)
      );
    case 'image':
    case 'opf': {
      const title = shape === 'image' ? 'Robot Check' : `Amazon.${m.domain.slice(m.domain.indexOf('.') + 1)}`;
      const img = `https://images-na.ssl-images-amazon.com/captcha/${rng.chars('abcdefghijklmnopqrstuvwxyz', 8)}/Captcha_${rng.chars('abcdefghijklmnopqrstuvwxyz', 10)}.jpg`;
      return (
        robotHead(title, mk, requestId) +
        `<div class="a-container a-padding-double-large" style="min-width:350px;padding:44px 0 !important">\n<div class="a-row a-spacing-double-large" style="width: 350px; margin: 0 auto">\n` +
        `<div class="a-row a-spacing-medium a-text-center"><i class="a-icon a-logo"></i></div>\n<div class="a-box a-alert a-alert-info a-spacing-base">\n<div class="a-box-inner">\n<i class="a-icon a-icon-alert"></i>\n` +
        `<h4>Enter the characters you see below</h4>\n<p class="a-last">Sorry, we just need to make sure you're not a robot. For best results, please make sure your browser is accepting cookies.</p>\n</div>\n</div>\n` +
        `<div class="a-section">\n<div class="a-box a-color-offset-background">\n<div class="a-box-inner a-padding-extra-large">\n<form method="get" action="/errors/validateCaptcha" name="">\n` +
        hiddenAmzn(rng, returnPath) +
        `<div class="a-row a-spacing-large">\n<div class="a-box">\n<div class="a-box-inner">\n<h4>Type the characters you see in this image:</h4>\n<div class="a-row a-text-center">\n<img src="${img}">\n</div>\n` +
        `<div class="a-row a-spacing-base">\n<div class="a-row">\n<div class="a-column a-span6">\n</div>\n<div class="a-column a-span6 a-span-last a-text-right">\n<a onclick="window.location.reload()">Try different image</a>\n</div>\n</div>\n` +
        `<input autocomplete="off" spellcheck="false" placeholder="Type characters" id="captchacharacters" name="field-keywords" class="a-span12" autocapitalize="off" autocorrect="off" type="text">\n</div>\n</div>\n</div>\n</div>\n` +
        `<div class="a-section a-spacing-extra-large">\n<div class="a-row">\n<span class="a-button a-button-primary a-span12">\n<span class="a-button-inner">\n<button type="submit" class="a-button-text">Continue shopping</button>\n</span>\n</span>\n</div>\n</div>\n</form>\n</div>\n</div>\n</div>\n</div>\n` +
        robotFooter(mk, requestId)
      );
    }
    default: {
      const never: never = shape;
      throw new Error(`unknown captcha shape ${String(never)}`);
    }
  }
}

const DOG_STYLE =
  'body{font-family:"Amazon Ember",Arial,sans-serif;margin:0;padding:0}#b{margin:20px 0 0 20px}#c{margin:0 auto;max-width:690px}#e{width:100%;height:35px}#g{text-align:center;margin:20px auto}';

/** The "Dogs of Amazon" error page: 503 "Sorry! Something went wrong!" or 404 "Page Not Found". */
export function dogPage(kind: 503 | 404, mk: MarketplaceCode): string {
  const m = getMarketplace(mk);
  const ref = kind === 503 ? 'cs_503' : 'cs_404';
  const title = kind === 503 ? 'Sorry! Something went wrong!' : `${m.domain.replace(/^amazon/, 'Amazon')} Page Not Found`;
  const picture =
    kind === 503
      ? `<img src="https://images-na.ssl-images-amazon.com/images/G/01/error/500_503.png" alt="Sorry! Something went wrong on our end. Please go back and try again or go to Amazon's home page.">`
      : `<img src="https://images-na.ssl-images-amazon.com/images/G/01/error/title._TTD_.png" alt="SORRY we couldn't find that page. Try searching or go to Amazon's home page.">`;
  return (
    `<!--\n        To discuss automated access to Amazon data please contact api-services-support@amazon.com.\n-->\n<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="x-ua-compatible" content="ie=edge">\n<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">\n<title>${esc(title)}</title>\n<style>${DOG_STYLE}</style>\n</head>\n<body>\n` +
    `<a href="/ref=${ref}_logo"><img id="b" src="https://images-na.ssl-images-amazon.com/images/G/01/error/logo._TTD_.png" alt="Amazon.com"></a>\n` +
    `<form id="a" accept-charset="utf-8" action="/s" method="GET" role="search">\n<div id="c">\n<input id="e" name="field-keywords" placeholder="Search">\n<input name="ref" type="hidden" value="${ref}_search">\n<input id="f" type="submit" value="Go">\n</div>\n</form>\n` +
    `<div id="g">\n<div><a href="/ref=${ref}_link">${picture}</a>\n</div>\n` +
    `<a href="/dogsofamazon/ref=${ref}_d" target="_blank" rel="noopener noreferrer"><img id="d" alt="Dogs of Amazon"></a>\n` +
    `<script>document.getElementById("d").src = "https://images-na.ssl-images-amazon.com/images/G/01/error/" + (Math.floor(Math.random() * 43) + 1) + "._TTD_.jpg";</script>\n</div>\n</body>\n</html>\n`
  );
}
