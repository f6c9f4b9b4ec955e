// Layers in ember/nn/layers_extra.h against torch 1.13 (Debian python3-torch):
// every parameter is set to det(shape, index in state_dict order) and the
// input to det(shape, seed); the reference values below come from the same
// weights loaded into the torch module (script at the end of this file).
#include <cmath>

#include "ember/nn/modules.h"
#include "testing/testing.h"

using namespace ember;

namespace {
// clang-format off
const std::vector<std::string> kConv1dKeys = {"weight", "bias"};
const std::vector<double> kConv1dOut = {-0.2800000011920929, -0.5300000309944153, -0.040000006556510925, -0.019999995827674866, 0.3199999928474426, 0.7400000095367432, 0.21000000834465027, 0.6399999856948853, 0.25999999046325684, 0.25, 0.24000000953674316, 0.20000001788139343, -0.25999999046325684, -0.4000000059604645, -0.019999995827674866, -0.04999999701976776, 0.41999998688697815, 0.6600000262260437, 0.23999997973442078, 0.5799999833106995, 0.2199999988079071, -0.15000003576278687, 0.17000000178813934, 0.2199999988079071};  // shape [2, 3, 4]
const std::vector<std::string> kConvT2dKeys = {"weight", "bias"};
const std::vector<double> kConvT2dOut = {-0.25, -0.5600000023841858, -0.07999999821186066, 0.0, -0.12999999523162842, -0.33000001311302185, -0.36000001430511475, -0.49000000953674316, -0.019999995827674866, -0.13999998569488525, -0.11999999731779099, -0.4399999976158142, -0.2900000214576721, -0.5300000309944153, -0.11999999731779099, 0.03000001609325409, -0.17000000178813934, -0.2900000214576721, -0.4399999976158142, -0.320000022649765, -0.09999999403953552, 0.03000001609325409, -0.20000000298023224, -0.36000001430511475, -0.33000001311302185, -0.5, -0.1599999964237213, 0.0599999874830246, -0.21000000834465027, -0.25, -0.2800000011920929, -0.4300000071525574, -0.14000000059604645, 0.07000000774860382, -0.2199999988079071, -0.2600000202655792, 0.47999998927116394, 0.7699999809265137, 0.5600000023841858, 0.26999998092651367, 0.41999998688697815, 0.6599999666213989, 0.46000000834465027, 0.9300000071525574, 0.6200000047683716, 0.3700000047683716, 0.3399999737739563, 0.46000000834465027, 0.5, 0.699999988079071, 0.5799999833106995, 0.19999998807907104, 0.4399999976158142, 0.6499999761581421, 0.5, 0.8999999761581421, 0.6600000262260437, 0.3399999737739563, 0.3799999952316284, 0.550000011920929, 0.5199999809265137, 0.6299999952316284, 0.6000000238418579, 0.12999999523162842, 0.46000000834465027, 0.6399999856948853, 0.5699999928474426, 0.699999988079071, 0.6200000047683716, 0.13999998569488525, 0.44999998807907104, 0.6299999952316284, 0.11000000685453415, 0.11999999731779099, 0.10000000149011612, 0.21000000834465027, -0.12999999523162842, 0.2199999988079071, 0.2900000214576721, 0.04000000283122063, -0.17000001668930054, 0.2199999988079071, 0.13999998569488525, 0.2600000202655792, 0.1899999976158142, 0.06000000238418579, 0.18000000715255737, 0.15000000596046448, -0.05000000447034836, 0.1599999964237213, 0.3400000035762787, -0.08000000566244125, -0.12000001221895218, 0.10000000149011612, 0.1899999976158142, 0.14000000059604645, 0.27000001072883606, 0.0, 0.25999999046325684, 0.09000000357627869, 0.030000001192092896, 0.10000000149011612, 0.21000000834465027, 0.06999999284744263, -0.27000001072883606, 0.10000000894069672, 0.24000000953674316, 0.09000000357627869};  // shape [1, 3, 6, 6]
const std::vector<std::string> kBilinearKeys = {"weight", "bias"};
const std::vector<double> kBilinearOut = {-0.3920000195503235, 0.48399999737739563, -0.16500000655651093, 0.6949999928474426};  // shape [2, 2]
const std::vector<std::string> kMHAKeys = {"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"};
const std::vector<double> kMHAOut = {0.5723051428794861, -0.054396823048591614, -0.3095213770866394, 0.163776695728302, 0.6271710395812988, 0.018234267830848694, -0.21680769324302673, 0.2742556035518646, 0.5725533962249756, -0.05520465970039368, -0.3091976046562195, 0.16304434835910797, 0.6386933326721191, 0.007483914494514465, -0.20536799728870392, 0.2634226381778717, 0.572800874710083, -0.05600767582654953, -0.30887526273727417, 0.1623162478208542, 0.6358125805854797, 0.02167719602584839, -0.2072013020515442, 0.27866336703300476};  // shape [3, 2, 4]
const std::vector<double> kMHAWeights = {0.18627966940402985, 0.20824295282363892, 0.20835113525390625, 0.20846104621887207, 0.18866519629955292, 0.18432563543319702, 0.20949530601501465, 0.20966312289237976, 0.20983225107192993, 0.18668365478515625, 0.18237775564193726, 0.2107400894165039, 0.21096906065940857, 0.2111990749835968, 0.18471400439739227, 0.19100525975227356, 0.19024643301963806, 0.20706474781036377, 0.20624679327011108, 0.20543670654296875, 0.21279163658618927, 0.21070188283920288, 0.19406677782535553, 0.19216260313987732, 0.1902771294116974, 0.2111087441444397, 0.21040411293506622, 0.19333824515342712, 0.19282746315002441, 0.19232141971588135};  // shape [2, 3, 5]
const std::vector<double> kMHAMaskOut = {0.6439999938011169, -0.07800000160932541, -0.26100003719329834, 0.1170000284910202, 0.5336228609085083, 0.03600220009684563, -0.33788755536079407, 0.2644917964935303, 0.5563582181930542, 0.015650756657123566, -0.32575756311416626, 0.2335350215435028, 0.4099999964237213, 0.17399999499320984, -0.4360000193119049, 0.4280000329017639, 0.6078362464904785, 0.03278741240501404, -0.23416651785373688, 0.29078468680381775, 0.6192913055419922, 0.02002149075269699, -0.2229038029909134, 0.2778263986110687};  // shape [2, 3, 4]
const std::vector<double> kMHAMaskWeights = {1.0, 0.0, 0.0, 0.49103212356567383, 0.508967936038971, 0.0, 0.3401588201522827, 0.3205714225769043, 0.339269757270813, 1.0, 0.0, 0.0, 0.5290532112121582, 0.4709467589855194, 0.0, 0.5039745569229126, 0.4960254430770874, 0.0};  // shape [2, 3, 3]
const std::vector<std::string> kTELKeys = {"self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"};
const std::vector<double> kTELOut = {-0.40877774357795715, 0.36612942814826965, -0.3710591197013855, 0.7030203938484192, -0.11715062707662582, 0.3304429054260254, -0.4962847828865051, 0.3871389627456665, -0.4087781608104706, 0.3661293685436249, -0.37105876207351685, 0.7030206918716431, -0.6203952431678772, 0.3093233108520508, -0.13680246472358704, 0.8241891264915466, -0.4087786078453064, 0.3661293387413025, -0.3710583746433258, 0.7030210494995117, -0.6205633282661438, 0.30928927659988403, -0.13686230778694153, 0.8242091536521912};  // shape [3, 2, 4]
const std::vector<double> kTELNormFirstOut = {1.523452877998352, -0.23361074924468994, -0.7119615077972412, 0.8309748768806458, 1.0737208127975464, 0.3833072781562805, -0.1325685679912567, 0.2770180106163025, 1.62345290184021, -0.13361075520515442, -0.6119615435600281, 0.9309749007225037, 1.395671010017395, -0.6846728324890137, 0.1078866720199585, 0.22754280269145966, 1.8858250379562378, -0.1271401345729828, -0.3376362919807434, 0.9493985176086426, 1.495671033859253, -0.5846728086471558, 0.20788666605949402, 0.32754281163215637};  // shape [2, 3, 4]
const std::vector<std::string> kTEKeys = {"layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias", "layers.0.self_attn.out_proj.weight", "layers.0.self_attn.out_proj.bias", "layers.0.linear1.weight", "layers.0.linear1.bias", "layers.0.linear2.weight", "layers.0.linear2.bias", "layers.0.norm1.weight", "layers.0.norm1.bias", "layers.0.norm2.weight", "layers.0.norm2.bias", "layers.1.self_attn.in_proj_weight", "layers.1.self_attn.in_proj_bias", "layers.1.self_attn.out_proj.weight", "layers.1.self_attn.out_proj.bias", "layers.1.linear1.weight", "layers.1.linear1.bias", "layers.1.linear2.weight", "layers.1.linear2.bias", "layers.1.norm1.weight", "layers.1.norm1.bias", "layers.1.norm2.weight", "layers.1.norm2.bias", "norm.weight", "norm.bias"};
const std::vector<double> kTEOut = {0.24326534569263458, -0.27655988931655884, -0.07390067726373672, 0.30000001192092896, 0.2513561248779297, -0.29980361461639404, -0.07053754478693008, 0.30000001192092896, 0.258858859539032, -0.3162583112716675, -0.07045953720808029, 0.30000001192092896, 0.2513520121574402, -0.29979372024536133, -0.07053873687982559, 0.30000001192092896, 0.2588626444339752, -0.3162664771080017, -0.07046125084161758, 0.30000001192092896, 0.25035491585731506, -0.2974826693534851, -0.07103409618139267, 0.30000001192092896};  // shape [3, 2, 4]
const std::vector<std::string> kLSTMKeys = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"};
const std::vector<double> kLSTMOut = {-0.0018303049728274345, 0.010697221383452415, -0.31076809763908386, 0.22545292973518372, -0.09650380909442902, -0.03577142953872681, -0.12238854914903641, 0.08934048563241959, 0.005291806999593973, -0.016766585409641266, -0.3129664659500122, 0.16201800107955933, -0.08131765574216843, -0.022909587249159813, -0.23142941296100616, 0.1513078361749649, 0.019847065210342407, -0.042503729462623596, -0.2910221219062805, 0.15106205642223358, -0.0337291955947876, -0.035617645829916, -0.2681731879711151, 0.15201956033706665, 0.03176312893629074, -0.05840092524886131, -0.2779705226421356, 0.1488492637872696, -0.005372080486267805, -0.04454129934310913, -0.2812689542770386, 0.1578412503004074, 0.030617041513323784, -0.062314268201589584, -0.27886512875556946, 0.15580204129219055, 0.012455884367227554, -0.05071573704481125, -0.28371191024780273, 0.1585703194141388};  // shape [5, 2, 4]
const std::vector<double> kLSTMH = {0.22587363421916962, -0.13985346257686615, 0.08511166274547577, 0.08581990748643875, 0.22331099212169647, -0.1312931925058365, 0.08337776362895966, 0.08771033585071564, 0.030617041513323784, -0.062314268201589584, -0.27886512875556946, 0.15580204129219055, 0.012455884367227554, -0.05071573704481125, -0.28371191024780273, 0.1585703194141388};  // shape [2, 2, 4]
const std::vector<double> kLSTMC = {0.5972129106521606, -0.29767584800720215, 0.15060360729694366, 0.185878187417984, 0.6016124486923218, -0.2815256714820862, 0.14580336213111877, 0.19803118705749512, 0.056320302188396454, -0.12740063667297363, -0.45154500007629395, 0.4460024833679199, 0.023055532947182655, -0.10371033847332001, -0.4559023380279541, 0.45673978328704834};  // shape [2, 2, 4]
const std::vector<double> kLSTMBFOut = {0.18033121526241302, 0.02558610588312149, 0.10966191440820694, 0.11498333513736725, 0.2358512580394745, 0.017266610637307167, 0.1779797524213791, 0.14620938897132874, 0.2898959219455719, -0.08781309425830841, 0.1337834596633911, 0.10753956437110901, 0.2751823961734772, -0.14529810845851898, 0.1220850944519043, 0.08991199731826782, 0.25995129346847534, -0.1708264797925949, 0.12579365074634552, 0.09090016037225723, 0.12171196192502975, -0.045082997530698776, 0.0025026225484907627, 0.061583779752254486, 0.17374257743358612, -0.08419008553028107, 0.02307424508035183, 0.08123674988746643, 0.19132763147354126, -0.1110481396317482, 0.04518246650695801, 0.09215869009494781, 0.19354794919490814, -0.1273670345544815, 0.06457164883613586, 0.10299517214298248, 0.25784531235694885, -0.050036851316690445, 0.14774620532989502, 0.12251754105091095};  // shape [2, 5, 4]
const std::vector<double> kLSTMBFH = {0.25995129346847534, -0.1708264797925949, 0.12579365074634552, 0.09090016037225723, 0.25784531235694885, -0.050036851316690445, 0.14774620532989502, 0.12251754105091095};  // shape [1, 2, 4]
const std::vector<double> kLSTMBFC = {0.5497674345970154, -0.2970794439315796, 0.18601426482200623, 0.2596223056316376, 0.7010517120361328, -0.10480540245771408, 0.2696380317211151, 0.3435720205307007};  // shape [1, 2, 4]
const std::vector<std::string> kGRUKeys = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"};
const std::vector<double> kGRUOut = {0.38334667682647705, -0.22376024723052979, -0.3505314588546753, 0.14042681455612183, -0.1954999566078186, 0.35243940353393555, -0.23927614092826843, -0.03396621346473694, 0.3576229214668274, -0.2933938801288605, -0.2717961072921753, 0.05621111020445824, -0.02320319414138794, 0.2215990126132965, -0.31648778915405273, -0.04440136253833771, 0.32967498898506165, -0.32554900646209717, -0.22860091924667358, -0.009109627455472946, 0.1533394306898117, 0.03984041512012482, -0.3074585497379303, -0.007759276777505875, 0.35196852684020996, -0.39283931255340576, -0.20879366993904114, 0.05831807851791382, 0.26687541604042053, -0.11237569153308868, -0.27853772044181824, 0.026926418766379356, 0.3712523877620697, -0.4646454155445099, -0.19892744719982147, 0.1494951695203781, 0.3268277943134308, -0.25499069690704346, -0.2544839084148407, 0.09827055037021637};  // shape [5, 2, 4]
const std::vector<double> kGRUH = {0.5440534353256226, -0.38509345054626465, 0.31402409076690674, -0.012729760259389877, 0.47055739164352417, -0.3846586346626282, 0.2609395980834961, 0.032205045223236084, 0.3712523877620697, -0.4646454155445099, -0.19892744719982147, 0.1494951695203781, 0.3268277943134308, -0.25499069690704346, -0.2544839084148407, 0.09827055037021637};  // shape [2, 2, 4]
const std::vector<std::string> kGRUNoBiasKeys = {"weight_ih_l0", "weight_hh_l0"};
const std::vector<double> kGRUBFOut = {-0.041311342269182205, -0.05751592293381691, -0.0740603655576706, -0.09091144055128098, -0.09296798706054688, -0.08281943202018738, -0.09450709074735641, -0.10583531856536865, -0.14343106746673584, -0.09665495157241821, -0.0952327623963356, -0.08795981109142303, -0.13305799663066864, -0.10687524080276489, -0.1374300867319107, -0.15262044966220856, -0.14832371473312378, -0.11363447457551956, -0.1494261622428894, -0.16637298464775085, -0.0745510682463646, -0.06985077261924744, -0.06518536806106567, -0.06055580824613571, -0.14244437217712402, -0.10991060733795166, -0.09222803264856339, -0.07426664978265762, 0.06610459089279175, 0.08777953684329987, 0.07650381326675415, 0.057648755609989166, 0.1788092404603958, 0.1704345941543579, 0.15826533734798431, 0.15575066208839417, 0.22875089943408966, 0.19404366612434387, 0.20664480328559875, 0.2262955754995346};  // shape [2, 5, 4]
const std::vector<double> kGRUBFH = {-0.14832371473312378, -0.11363447457551956, -0.1494261622428894, -0.16637298464775085, 0.22875089943408966, 0.19404366612434387, 0.20664480328559875, 0.2262955754995346};  // shape [1, 2, 4]
const std::vector<std::string> kLSTMBiKeys = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"};
const std::vector<double> kLSTMBiOut = {-0.007062242366373539, 0.020246164873242378, -0.15864092111587524, -0.06726308912038803, 0.008831026963889599, 0.05904228240251541, -0.12935680150985718, -0.00560210132971406, 0.006838983856141567, 0.02290450781583786, -0.2546025514602661, -0.11203471571207047, -0.008643362671136856, 0.04893883690237999, -0.12343097478151321, -0.0027798167429864407, 0.02242008037865162, 0.021199392154812813, -0.3103677034378052, -0.13273391127586365, -0.024255895987153053, 0.041844096034765244, -0.11024139821529388, 0.0014612367376685143, 0.03443165123462677, 0.0032948129810392857, -0.3605194687843323, -0.13972707092761993, -0.04091506451368332, 0.028364194557070732, -0.09386418759822845, -0.00046239749644882977, 0.04516341909766197, -0.0014791236026212573, -0.38111069798469543, -0.16045184433460236, -0.02135181427001953, 0.039790078997612, -0.06702085584402084, -0.0042365314438939095, -0.00576664786785841, 0.025036050006747246, -0.17435701191425323, -0.011909623630344868, 0.03979337215423584, 0.06095178425312042, -0.07674182951450348, 0.034787651151418686, 0.016629396006464958, 0.026677684858441353, -0.25795358419418335, -0.05057979002594948, 0.030584286898374557, 0.06050081178545952, -0.08564893156290054, 0.02184624783694744, 0.03474966436624527, 0.02281377464532852, -0.30857279896736145, -0.07908818125724792, 0.02137734554708004, 0.061098478734493256, -0.08573359996080399, 0.01399820577353239, 0.04690621420741081, 0.02084600366652012, -0.3378049433231354, -0.10475046187639236, 0.016549551859498024, 0.06312303245067596, -0.07939732819795609, 0.005651423241943121, 0.05556188523769379, 0.024465050548315048, -0.35019436478614807, -0.1383931189775467, 0.010965810157358646, 0.05979720503091812, -0.05793590471148491, -0.0006158580654300749};  // shape [2, 5, 8]
const std::vector<double> kLSTMBiH = {0.2816636264324188, -0.14974744617938995, 0.12984368205070496, 0.08909794688224792, 0.2013707458972931, -0.13782630860805511, 0.0732777938246727, 0.09949127584695816, -0.13312667608261108, 0.1327539086341858, -0.21392245590686798, 0.20881256461143494, 0.03462985157966614, -0.08660715818405151, -0.4112635552883148, 0.2161835879087448, 0.04516341909766197, -0.0014791236026212573, -0.38111069798469543, -0.16045184433460236, 0.05556188523769379, 0.024465050548315048, -0.35019436478614807, -0.1383931189775467, 0.008831026963889599, 0.05904228240251541, -0.12935680150985718, -0.00560210132971406, 0.03979337215423584, 0.06095178425312042, -0.07674182951450348, 0.034787651151418686};  // shape [4, 2, 4]
const std::vector<double> kLSTMBiC = {0.594485342502594, -0.26153576374053955, 0.1929253190755844, 0.24815967679023743, 0.5418533682823181, -0.29563263058662415, 0.12677818536758423, 0.23247502744197845, -0.24267977476119995, 0.27736565470695496, -0.3439204692840576, 0.6533896923065186, 0.06824824213981628, -0.14608290791511536, -0.6585010290145874, 0.48078566789627075, 0.08751538395881653, -0.004391627851873636, -0.565414547920227, -0.37051641941070557, 0.10657103359699249, 0.07249436527490616, -0.5352943539619446, -0.3257989287376404, 0.014798174612224102, 0.14164583384990692, -0.28167882561683655, -0.009930859319865704, 0.06329959630966187, 0.1496330350637436, -0.17725780606269836, 0.06673070788383484};  // shape [4, 2, 4]
const std::vector<double> kGRUBiOut = {0.24843886494636536, -0.2406732738018036, -0.11004337668418884, 0.11777840554714203, 0.24367789924144745, -0.07049314677715302, -0.36865517497062683, 0.36445584893226624, 0.07400290668010712, 0.15650905668735504, 0.11942924559116364, 0.0489467978477478, 0.2497357875108719, -0.12995871901512146, -0.3699650764465332, 0.39892420172691345, 0.5247724652290344, -0.0911463275551796, 0.2373286485671997, 0.30707046389579773, 0.007974173873662949, 0.09580293297767639, -0.24969670176506042, 0.556205689907074, 0.4779210090637207, 0.12198697775602341, 0.32801640033721924, 0.3867492377758026, -0.01943209581077099, 0.041934676468372345, -0.24607929587364197, 0.5945048928260803, 0.6527256965637207, -0.06873852014541626, 0.40074241161346436, 0.42310774326324463, 0.10290984809398651, -0.02865401655435562, -0.3187398910522461, 0.535581648349762, 0.6384595632553101, 0.025909002870321274, 0.4491594135761261, 0.505862295627594, -0.0017935112118721008, -0.09176155179738998, -0.28598156571388245, 0.58680260181427, 0.573223352432251, -0.3027188181877136, 0.3263462781906128, 0.11388751864433289, 0.1603061705827713, -0.18994611501693726, -0.44818902015686035, 0.32638150453567505, 0.5578547716140747, -0.2643633484840393, 0.3576931953430176, 0.19075076282024384, -0.047861386090517044, -0.2869917154312134, -0.31853562593460083, 0.3869924545288086, 0.5047188401222229, -0.38585877418518066, 0.29277899861335754, 0.1203339472413063, 0.26882579922676086, -0.15789920091629028, -0.4327402412891388, 0.3093055784702301, 0.5258325338363647, -0.35218799114227295, 0.29683101177215576, 0.009168047457933426, -0.018137715756893158, -0.35972583293914795, -0.09088695049285889, 0.17582064867019653};  // shape [5, 2, 8]
const std::vector<double> kGRUBiH = {0.5047188401222229, -0.38585877418518066, 0.29277899861335754, 0.1203339472413063, 0.5258325338363647, -0.35218799114227295, 0.29683101177215576, 0.009168047457933426, 0.24367789924144745, -0.07049314677715302, -0.36865517497062683, 0.36445584893226624, 0.2497357875108719, -0.12995871901512146, -0.3699650764465332, 0.39892420172691345};  // shape [2, 2, 4]
// clang-format on

Tensor det(std::vector<int64_t> shape, int64_t seed) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = float(((i * 7 + seed * 3) % 11 - 5) / 10.0);
  return tensor(v).reshape(shape);
}
Tensor ref(const std::vector<double>& values, std::vector<int64_t> shape) {
  return tensor(values).to(kFloat32).reshape(shape);
}
// Overwrites every state_dict entry with det(shape, its index); returns the keys.
std::vector<std::string> load_det(nn::Module& m) {
  nn::NamedTensors sd;
  int64_t i = 0;
  for (const auto& item : m.state_dict()) {
    auto s = item.second.sizes();
    sd.insert(item.first, det(std::vector<int64_t>(s.begin(), s.end()), i++));
  }
  m.load_state_dict(sd);
  return m.state_dict().keys();
}
#define EXPECT_REF(actual, values, ...) EXPECT_CLOSE_TOL((actual).detach(), ref(values, __VA_ARGS__), 2e-5, 2e-4)
}  // namespace

TEST(NNLayersExtra, Conv1d) {
  nn::Conv1d m(nn::Conv1dOptions(2, 3, 3).stride(2).padding(1));
  EXPECT_EQ(load_det(*m), kConv1dKeys);
  EXPECT_EQ(m->weight.sizes(), IntArrayRef({3, 2, 3}));
  EXPECT_REF(m(det({2, 2, 7}, 100)), kConv1dOut, {2, 3, 4});
}

TEST(NNLayersExtra, ConvTranspose2d) {
  nn::ConvTranspose2d m(nn::ConvTranspose2dOptions(2, 3, 3).stride({2}).padding({1}).output_padding({1}));
  EXPECT_EQ(load_det(*m), kConvT2dKeys);
  EXPECT_EQ(m->weight.sizes(), IntArrayRef({2, 3, 3, 3}));
  EXPECT_REF(m(det({1, 2, 3, 3}, 101)), kConvT2dOut, {1, 3, 6, 6});
}

TEST(NNLayersExtra, Bilinear) {
  nn::Bilinear m(3, 4, 2);
  EXPECT_EQ(load_det(*m), kBilinearKeys);
  EXPECT_REF(m(det({2, 3}, 102), det({2, 4}, 103)), kBilinearOut, {2, 2});
  // leading dims are kept
  EXPECT_EQ(m(det({2, 5, 3}, 1), det({2, 5, 4}, 2)).sizes(), IntArrayRef({2, 5, 2}));
}

TEST(NNLayersExtra, ModuleDict) {
  nn::ModuleDict d;
  d->insert("proj", nn::Linear(3, 4));
  d->insert("act", nn::ReLU());
  d->insert("out", nn::Linear(4, 2));
  EXPECT_EQ(d->keys(), (std::vector<std::string>{"proj", "act", "out"}));
  EXPECT_EQ(d->named_parameters().keys(),
            (std::vector<std::string>{"proj.weight", "proj.bias", "out.weight", "out.bias"}));
  EXPECT_TRUE(d->contains("act"));
  EXPECT_FALSE(d->contains("nope"));
  EXPECT_EQ(d->at<nn::LinearImpl>("out")->options.out_features(), 2);
  EXPECT_THROW_MSG(d->at<nn::LinearImpl>("act"), TypeError, "not the requested type");
  EXPECT_THROW_MSG((*d)["nope"], IndexError, "nope");
  d->insert("proj", nn::Linear(3, 5));  // replaced in place
  EXPECT_EQ(d->keys(), (std::vector<std::string>{"proj", "act", "out"}));
  EXPECT_EQ(d->at<nn::LinearImpl>("proj")->options.out_features(), 5);
  EXPECT_EQ(d->size(), 3u);
}

TEST(NNLayersExtra, MultiheadAttention) {
  nn::MultiheadAttention m(4, 2);
  // default init: xavier in_proj, zero biases
  EXPECT_CLOSE(m->in_proj_bias.detach(), zeros({12}));
  EXPECT_CLOSE(m->out_proj->bias.detach(), zeros({4}));
  EXPECT_LE(m->in_proj_weight.detach().abs().max().item<float>(), std::sqrt(6.0 / 16) + 1e-6);
  m->eval();
  EXPECT_EQ(load_det(*m), kMHAKeys);
  auto [out, w] = m(det({3, 2, 4}, 104), det({5, 2, 4}, 105), det({5, 2, 4}, 106));
  EXPECT_REF(out, kMHAOut, {3, 2, 4});
  EXPECT_REF(w, kMHAWeights, {2, 3, 5});
  auto [out2, w2] = m(det({3, 2, 4}, 104), det({5, 2, 4}, 105), det({5, 2, 4}, 106), Tensor(), false);
  EXPECT_REF(out2, kMHAOut, {3, 2, 4});
  EXPECT_FALSE(w2.defined());

  nn::MultiheadAttention bf(nn::MultiheadAttentionOptions(4, 2).batch_first(true));
  bf->eval();
  load_det(*bf);
  Tensor x = det({2, 3, 4}, 107);
  Tensor am = ones({3, 3}, kBool).triu(1);
  Tensor kpm = tensor({false, false, false, false, false, true}).reshape({2, 3});
  auto [out3, w3] = bf(x, x, x, kpm, true, am);
  EXPECT_REF(out3, kMHAMaskOut, {2, 3, 4});
  EXPECT_REF(w3, kMHAMaskWeights, {2, 3, 3});
  auto [out4, w4] = bf(x, x, x, kpm, false, am);
  EXPECT_REF(out4, kMHAMaskOut, {2, 3, 4});
  EXPECT_THROW_MSG(nn::MultiheadAttention(6, 4), ValueError, "divisible");
}

TEST(NNLayersExtra, MultiheadAttentionGradcheck) {
  nn::MultiheadAttention m(4, 2);
  m->eval();
  m->to(kFloat64);
  auto q = ember::testing::rand_input({2, 1, 4}, 1), k = ember::testing::rand_input({3, 1, 4}, 2),
       v = ember::testing::rand_input({3, 1, 4}, 3);
  EXPECT_TRUE(autograd::gradcheck(
      [&](const tensor_list& in) {
        auto [o, w] = m(in[0], in[1], in[2]);
        return o.sum() + (w * w).sum();
      },
      {q, k, v}));
}

TEST(NNLayersExtra, TransformerEncoderLayer) {
  nn::TransformerEncoderLayer m(nn::TransformerEncoderLayerOptions(4, 2).dim_feedforward(6).dropout(0.0));
  m->eval();
  EXPECT_EQ(load_det(*m), kTELKeys);
  EXPECT_REF(m(det({3, 2, 4}, 108)), kTELOut, {3, 2, 4});

  nn::TransformerEncoderLayer nf(nn::TransformerEncoderLayerOptions(4, 2)
                                     .dim_feedforward(6)
                                     .dropout(0.0)
                                     .activation("gelu")
                                     .batch_first(true)
                                     .norm_first(true));
  nf->eval();
  load_det(*nf);
  Tensor kpm = tensor({false, false, false, false, true, false}).reshape({2, 3});
  EXPECT_REF(nf(det({2, 3, 4}, 109), Tensor(), kpm), kTELNormFirstOut, {2, 3, 4});
  EXPECT_EQ(nn::TransformerEncoderLayer(8, 2)->linear1->weight.sizes(), IntArrayRef({2048, 8}));
}

TEST(NNLayersExtra, TransformerEncoder) {
  nn::TransformerEncoderLayer layer(nn::TransformerEncoderLayerOptions(4, 2).dim_feedforward(6).dropout(0.0));
  nn::TransformerEncoder m(layer, 2, nn::LayerNorm(4));
  // the copies start from the layer's weights, but are separate tensors
  EXPECT_CLOSE(m->layers->at<nn::TransformerEncoderLayerImpl>(1)->linear1->weight.detach(),
               layer->linear1->weight.detach());
  EXPECT_FALSE(m->layers->at<nn::TransformerEncoderLayerImpl>(1)->linear1->weight.is_same(layer->linear1->weight));
  m->eval();
  EXPECT_EQ(load_det(*m), kTEKeys);
  EXPECT_REF(m(det({3, 2, 4}, 110)), kTEOut, {3, 2, 4});
}

TEST(NNLayersExtra, LSTM) {
  nn::LSTM m(nn::LSTMOptions(3, 4).num_layers(2));
  for (auto& p : m->parameters()) EXPECT_LE(p.detach().abs().max().item<float>(), 0.5f);
  EXPECT_EQ(load_det(*m), kLSTMKeys);
  auto [out, state] = m(det({5, 2, 3}, 111), std::make_tuple(det({2, 2, 4}, 112), det({2, 2, 4}, 113)));
  EXPECT_REF(out, kLSTMOut, {5, 2, 4});
  EXPECT_REF(std::get<0>(state), kLSTMH, {2, 2, 4});
  EXPECT_REF(std::get<1>(state), kLSTMC, {2, 2, 4});

  nn::LSTM bf(nn::LSTMOptions(3, 4).batch_first(true));
  load_det(*bf);
  auto [out2, state2] = bf(det({2, 5, 3}, 114));
  EXPECT_REF(out2, kLSTMBFOut, {2, 5, 4});
  EXPECT_REF(std::get<0>(state2), kLSTMBFH, {1, 2, 4});
  EXPECT_REF(std::get<1>(state2), kLSTMBFC, {1, 2, 4});
}

TEST(NNLayersExtra, BidirectionalLSTMAndGRU) {
  nn::LSTM m(nn::LSTMOptions(3, 4).num_layers(2).bidirectional(true).batch_first(true));
  EXPECT_EQ(load_det(*m), kLSTMBiKeys);
  auto [out, state] = m(det({2, 5, 3}, 118));
  EXPECT_REF(out, kLSTMBiOut, {2, 5, 8});
  EXPECT_REF(std::get<0>(state), kLSTMBiH, {4, 2, 4});
  EXPECT_REF(std::get<1>(state), kLSTMBiC, {4, 2, 4});
  nn::GRU g(nn::GRUOptions(3, 4).bidirectional(true));
  load_det(*g);
  auto [out2, h2] = g(det({5, 2, 3}, 119), det({2, 2, 4}, 120));
  EXPECT_REF(out2, kGRUBiOut, {5, 2, 8});
  EXPECT_REF(h2, kGRUBiH, {2, 2, 4});
  EXPECT_THROW_MSG(g(det({5, 2, 3}, 119), det({1, 2, 4}, 120)), RuntimeError,
                   "gru: expected hidden state of size (2, 2, 4), got [1, 2, 4]");
  EXPECT_THROW_MSG(g(det({5, 2, 2}, 119)), RuntimeError, "input.size(-1) must be equal to input_size");
}

TEST(NNLayersExtra, LSTMGradcheck) {
  nn::LSTM m(nn::LSTMOptions(2, 3).num_layers(2));
  m->eval();
  m->to(kFloat64);
  auto x = ember::testing::rand_input({3, 1, 2}, 4), h = ember::testing::rand_input({2, 1, 3}, 5),
       c = ember::testing::rand_input({2, 1, 3}, 6);
  EXPECT_TRUE(autograd::gradcheck(
      [&](const tensor_list& in) {
        auto [o, s] = m(in[0], std::make_tuple(in[1], in[2]));
        return o.sum() + std::get<1>(s).sum();
      },
      {x, h, c}));
}

TEST(NNLayersExtra, GRU) {
  nn::GRU m(nn::GRUOptions(3, 4).num_layers(2));
  EXPECT_EQ(load_det(*m), kGRUKeys);
  auto [out, h] = m(det({5, 2, 3}, 115), det({2, 2, 4}, 116));
  EXPECT_REF(out, kGRUOut, {5, 2, 4});
  EXPECT_REF(h, kGRUH, {2, 2, 4});

  nn::GRU bf(nn::GRUOptions(3, 4).batch_first(true).bias(false));
  EXPECT_EQ(load_det(*bf), kGRUNoBiasKeys);
  auto [out2, h2] = bf(det({2, 5, 3}, 117));
  EXPECT_REF(out2, kGRUBFOut, {2, 5, 4});
  EXPECT_REF(h2, kGRUBFH, {1, 2, 4});
  // unbatched input
  auto [out3, h3] = bf(det({5, 3}, 117));
  EXPECT_EQ(out3.sizes(), IntArrayRef({5, 4}));
  EXPECT_EQ(h3.sizes(), IntArrayRef({1, 4}));
}

/* Reference script (python3 with torch 1.13):
import torch, torch.nn as nn
torch.manual_seed(0)
def det(shape, seed):
    n = 1
    for s in shape: n *= s
    v = [((i * 7 + seed * 3) % 11 - 5) / 10.0 for i in range(n)]
    return torch.tensor(v, dtype=torch.float32).reshape(shape)
def load(m):
    sd = m.state_dict()
    new = {k: det(list(v.shape), i) for i, (k, v) in enumerate(sd.items())}
    m.load_state_dict(new)
    return list(sd.keys())
out = []
def emit(name, t):
    vals = ", ".join(repr(float(x)) for x in t.detach().double().flatten().tolist())
    out.append("const std::vector<double> %s = {%s};  // shape %s" % (name, vals, list(t.shape)))
def keys(name, ks):
    out.append("const std::vector<std::string> %s = {%s};" % (name, ", ".join('"%s"' % k for k in ks)))

m = nn.Conv1d(2, 3, 3, stride=2, padding=1); keys("kConv1dKeys", load(m)); emit("kConv1dOut", m(det([2, 2, 7], 100)))
m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1); keys("kConvT2dKeys", load(m))
emit("kConvT2dOut", m(det([1, 2, 3, 3], 101)))
m = nn.Bilinear(3, 4, 2); keys("kBilinearKeys", load(m)); emit("kBilinearOut", m(det([2, 3], 102), det([2, 4], 103)))

m = nn.MultiheadAttention(4, 2); m.eval(); keys("kMHAKeys", load(m))
o, w = m(det([3, 2, 4], 104), det([5, 2, 4], 105), det([5, 2, 4], 106)); emit("kMHAOut", o); emit("kMHAWeights", w)
m = nn.MultiheadAttention(4, 2, batch_first=True); m.eval(); load(m)
x = det([2, 3, 4], 107)
am = torch.ones(3, 3, dtype=torch.bool).triu(1)
kpm = torch.tensor([[False, False, False], [False, False, True]])
o, w = m(x, x, x, key_padding_mask=kpm, attn_mask=am); emit("kMHAMaskOut", o); emit("kMHAMaskWeights", w)

m = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0); m.eval(); keys("kTELKeys", load(m))
emit("kTELOut", m(det([3, 2, 4], 108)))
m = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, activation="gelu", batch_first=True, norm_first=True); m.eval(); load(m)
emit("kTELNormFirstOut", m(det([2, 3, 4], 109), src_key_padding_mask=torch.tensor([[False, False, False], [False, True, False]])))
layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0)
m = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4), enable_nested_tensor=False); m.eval(); keys("kTEKeys", load(m))
emit("kTEOut", m(det([3, 2, 4], 110)))

m = nn.LSTM(3, 4, num_layers=2); keys("kLSTMKeys", load(m))
o, (h, c) = m(det([5, 2, 3], 111), (det([2, 2, 4], 112), det([2, 2, 4], 113)))
emit("kLSTMOut", o); emit("kLSTMH", h); emit("kLSTMC", c)
m = nn.LSTM(3, 4, batch_first=True); load(m)
o, (h, c) = m(det([2, 5, 3], 114)); emit("kLSTMBFOut", o); emit("kLSTMBFH", h); emit("kLSTMBFC", c)
m = nn.GRU(3, 4, num_layers=2); keys("kGRUKeys", load(m))
o, h = m(det([5, 2, 3], 115), det([2, 2, 4], 116)); emit("kGRUOut", o); emit("kGRUH", h)
m = nn.GRU(3, 4, batch_first=True, bias=False); keys("kGRUNoBiasKeys", load(m))
o, h = m(det([2, 5, 3], 117)); emit("kGRUBFOut", o); emit("kGRUBFH", h)
m = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True); keys("kLSTMBiKeys", load(m))
o, (h, c) = m(det([2, 5, 3], 118)); emit("kLSTMBiOut", o); emit("kLSTMBiH", h); emit("kLSTMBiC", c)
m = nn.GRU(3, 4, bidirectional=True); load(m)
o, h = m(det([5, 2, 3], 119), det([2, 2, 4], 120)); emit("kGRUBiOut", o); emit("kGRUBiH", h)
print("\n".join(out))
*/
